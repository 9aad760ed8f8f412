//! Header names: the known headers, their compact forms (RFC 3261 §7.3.3 and extensions)
//! and case-insensitive classification without allocation.
//!
//! Classification dispatches on the name's length and first byte and then compares
//! case-insensitively against the few candidates left, so it never lowercases a copy.

macro_rules! header_names {
    ($( $variant:ident => $name:literal $(, $compact:literal)? ;)*) => {
        /// A header name known to the parser, or [`HeaderName::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum HeaderName {
            $(
                #[doc = concat!("`", $name, "`", $(" (compact `", $compact, "`)")?)]
                $variant,
            )*
            /// Any other header (compare by name).
            Other,
        }

        impl HeaderName {
            /// Every known header, in declaration order.
            pub const ALL: &'static [HeaderName] = &[$(HeaderName::$variant,)*];
            /// Number of known names (the index of [`HeaderName::Other`]).
            pub const COUNT: usize = Self::ALL.len();

            /// Canonical spelling (`Call-ID`, `CSeq`, ...); `None` for `Other`.
            pub fn canonical(self) -> Option<&'static str> {
                match self {
                    $(HeaderName::$variant => Some($name),)*
                    HeaderName::Other => None,
                }
            }

            /// Compact form (RFC 3261 §7.3.3 and extensions), if the header has one.
            pub fn compact(self) -> Option<char> {
                match self {
                    $($(HeaderName::$variant => Some($compact),)?)*
                    _ => None,
                }
            }

            #[allow(clippy::char_lit_as_u8)]
            fn from_compact(b: u8) -> HeaderName {
                match b | 0x20 {
                    $($(c if c == $compact as u8 => HeaderName::$variant,)?)*
                    _ => HeaderName::Other,
                }
            }
        }
    };
}

header_names! {
    Via => "Via", 'v';
    From => "From", 'f';
    To => "To", 't';
    CallId => "Call-ID", 'i';
    CSeq => "CSeq";
    Contact => "Contact", 'm';
    MaxForwards => "Max-Forwards";
    ContentLength => "Content-Length", 'l';
    ContentType => "Content-Type", 'c';
    ContentEncoding => "Content-Encoding", 'e';
    ContentDisposition => "Content-Disposition";
    Require => "Require";
    ProxyRequire => "Proxy-Require";
    Supported => "Supported", 'k';
    Unsupported => "Unsupported";
    Allow => "Allow";
    AllowEvents => "Allow-Events", 'u';
    Expires => "Expires";
    MinExpires => "Min-Expires";
    RSeq => "RSeq";
    RAck => "RAck";
    ReferTo => "Refer-To", 'r';
    ReferredBy => "Referred-By", 'b';
    Replaces => "Replaces";
    ReferSub => "Refer-Sub";
    Event => "Event", 'o';
    SubscriptionState => "Subscription-State";
    Reason => "Reason";
    UserAgent => "User-Agent";
    Server => "Server";
    PAssertedIdentity => "P-Asserted-Identity";
    PPreferredIdentity => "P-Preferred-Identity";
    SessionExpires => "Session-Expires", 'x';
    MinSe => "Min-SE";
    Subject => "Subject", 's';
    Route => "Route";
    RecordRoute => "Record-Route";
    Accept => "Accept";
    AcceptEncoding => "Accept-Encoding";
    AcceptLanguage => "Accept-Language";
    AcceptContact => "Accept-Contact", 'a';
    RejectContact => "Reject-Contact", 'j';
    RequestDisposition => "Request-Disposition", 'd';
    Identity => "Identity", 'y';
    IdentityInfo => "Identity-Info", 'n';
    Date => "Date";
    Timestamp => "Timestamp";
    RetryAfter => "Retry-After";
    Warning => "Warning";
    Authorization => "Authorization";
    ProxyAuthorization => "Proxy-Authorization";
    WwwAuthenticate => "WWW-Authenticate";
    ProxyAuthenticate => "Proxy-Authenticate";
    AuthenticationInfo => "Authentication-Info";
    Organization => "Organization";
    Priority => "Priority";
    MimeVersion => "MIME-Version";
    CallInfo => "Call-Info";
    AlertInfo => "Alert-Info";
    ErrorInfo => "Error-Info";
    InReplyTo => "In-Reply-To";
    ReplyTo => "Reply-To";
    PathHeader => "Path";
    ServiceRoute => "Service-Route";
    Privacy => "Privacy";
    ContentTransferEncoding => "Content-Transfer-Encoding";
}

/// Compares `name` with the lowercase candidate `lower` (letters and `-` only),
/// case-insensitively and exactly: each word of the candidate yields a mask with 0x20 at its
/// letters (bit 0x40 set) and 0 at its `-`, so OR-ing the mask into the name lowercases
/// letters and leaves every other byte to compare as is. Uses overlapping word loads instead
/// of a byte loop.
#[inline]
fn eq_lower(name: &[u8], lower: &[u8]) -> bool {
    let n = name.len();
    if n != lower.len() {
        return false;
    }
    #[inline(always)]
    fn w8(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }
    #[inline(always)]
    fn w4(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }
    #[inline(always)]
    fn eq8(name: &[u8], lower: &[u8], at: usize) -> bool {
        let c = w8(lower, at);
        (w8(name, at) | ((c & 0x4040_4040_4040_4040) >> 1)) == c
    }
    #[inline(always)]
    fn eq4(name: &[u8], lower: &[u8], at: usize) -> bool {
        let c = w4(lower, at);
        (w4(name, at) | ((c & 0x4040_4040) >> 1)) == c
    }
    match n {
        0 => true,
        1..=3 => name
            .iter()
            .zip(lower)
            .all(|(&x, &y)| x | ((y & 0x40) >> 1) == y),
        4..=8 => eq4(name, lower, 0) && eq4(name, lower, n - 4),
        9..=16 => eq8(name, lower, 0) && eq8(name, lower, n - 8),
        _ => {
            let mut i = 0;
            while i + 8 <= n {
                if !eq8(name, lower, i) {
                    return false;
                }
                i += 8;
            }
            eq8(name, lower, n - 8)
        }
    }
}

impl HeaderName {
    /// Classifies a header name as it appears on the wire (any case, compact or long form).
    /// Anything that is not exactly a known name (ignoring ASCII case) is `Other`.
    #[inline]
    pub fn classify(name: &[u8]) -> HeaderName {
        use HeaderName::*;
        let first = match name.first() {
            Some(b) => b | 0x20,
            None => return Other,
        };
        if name.len() == 1 {
            return if name[0].is_ascii_alphabetic() {
                Self::from_compact(first)
            } else {
                Other
            };
        }
        // Dispatch on (length, first, last) lowercased; generated from the list above.
        let last = name[name.len() - 1] | 0x20;
        let (cand, kind): (&[u8], HeaderName) = match (name.len(), first, last) {
            (2, b't', b'o') => (b"to", To),
            (3, b'v', b'a') => (b"via", Via),
            (4, b'c', b'q') => (b"cseq", CSeq),
            (4, b'd', b'e') => (b"date", Date),
            (4, b'f', b'm') => (b"from", From),
            (4, b'p', b'h') => (b"path", PathHeader),
            (4, b'r', b'k') => (b"rack", RAck),
            (4, b'r', b'q') => (b"rseq", RSeq),
            (5, b'a', b'w') => (b"allow", Allow),
            (5, b'e', b't') => (b"event", Event),
            (5, b'r', b'e') => (b"route", Route),
            (6, b'a', b't') => (b"accept", Accept),
            (6, b'm', b'e') => (b"min-se", MinSe),
            (6, b'r', b'n') => (b"reason", Reason),
            (6, b's', b'r') => (b"server", Server),
            (7, b'c', b'd') => (b"call-id", CallId),
            (7, b'c', b't') => (b"contact", Contact),
            (7, b'e', b's') => (b"expires", Expires),
            (7, b'p', b'y') => (b"privacy", Privacy),
            (7, b'r', b'e') => (b"require", Require),
            (7, b's', b't') => (b"subject", Subject),
            (7, b'w', b'g') => (b"warning", Warning),
            (8, b'i', b'y') => (b"identity", Identity),
            (8, b'p', b'y') => (b"priority", Priority),
            (8, b'r', b'o') => {
                if eq_lower(name, b"refer-to") {
                    return ReferTo;
                }
                (b"reply-to", ReplyTo)
            }
            (8, b'r', b's') => (b"replaces", Replaces),
            (9, b'c', b'o') => (b"call-info", CallInfo),
            (9, b'r', b'b') => (b"refer-sub", ReferSub),
            (9, b's', b'd') => (b"supported", Supported),
            (9, b't', b'p') => (b"timestamp", Timestamp),
            (10, b'a', b'o') => (b"alert-info", AlertInfo),
            (10, b'e', b'o') => (b"error-info", ErrorInfo),
            (10, b'u', b't') => (b"user-agent", UserAgent),
            (11, b'i', b'o') => (b"in-reply-to", InReplyTo),
            (11, b'm', b's') => (b"min-expires", MinExpires),
            (11, b'r', b'r') => (b"retry-after", RetryAfter),
            (11, b'r', b'y') => (b"referred-by", ReferredBy),
            (11, b'u', b'd') => (b"unsupported", Unsupported),
            (12, b'a', b's') => (b"allow-events", AllowEvents),
            (12, b'c', b'e') => (b"content-type", ContentType),
            (12, b'm', b'n') => (b"mime-version", MimeVersion),
            (12, b'm', b's') => (b"max-forwards", MaxForwards),
            (12, b'o', b'n') => (b"organization", Organization),
            (12, b'r', b'e') => (b"record-route", RecordRoute),
            (13, b'a', b'n') => (b"authorization", Authorization),
            (13, b'i', b'o') => (b"identity-info", IdentityInfo),
            (13, b'p', b'e') => (b"proxy-require", ProxyRequire),
            (13, b's', b'e') => (b"service-route", ServiceRoute),
            (14, b'a', b't') => (b"accept-contact", AcceptContact),
            (14, b'c', b'h') => (b"content-length", ContentLength),
            (14, b'r', b't') => (b"reject-contact", RejectContact),
            (15, b'a', b'e') => (b"accept-language", AcceptLanguage),
            (15, b'a', b'g') => (b"accept-encoding", AcceptEncoding),
            (15, b's', b's') => (b"session-expires", SessionExpires),
            (16, b'c', b'g') => (b"content-encoding", ContentEncoding),
            (16, b'w', b'e') => (b"www-authenticate", WwwAuthenticate),
            (18, b'p', b'e') => (b"proxy-authenticate", ProxyAuthenticate),
            (18, b's', b'e') => (b"subscription-state", SubscriptionState),
            (19, b'a', b'o') => (b"authentication-info", AuthenticationInfo),
            (19, b'c', b'n') => (b"content-disposition", ContentDisposition),
            (19, b'p', b'n') => (b"proxy-authorization", ProxyAuthorization),
            (19, b'p', b'y') => (b"p-asserted-identity", PAssertedIdentity),
            (19, b'r', b'n') => (b"request-disposition", RequestDisposition),
            (20, b'p', b'y') => (b"p-preferred-identity", PPreferredIdentity),
            (25, b'c', b'g') => (b"content-transfer-encoding", ContentTransferEncoding),
            _ => return Other,
        };
        if eq_lower(name, cand) { kind } else { Other }
    }

    /// True for headers whose values must not be split on commas, because commas are part
    /// of one value (authentication challenges and credentials, dates, free text).
    pub fn is_single_value_with_commas(self) -> bool {
        use HeaderName::*;
        matches!(
            self,
            Authorization
                | ProxyAuthorization
                | WwwAuthenticate
                | ProxyAuthenticate
                | AuthenticationInfo
                | Date
                | Subject
                | UserAgent
                | Server
                | Organization
                | RetryAfter
                | CallId
                | Timestamp
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_name_classifies_in_any_case() {
        for &h in HeaderName::ALL {
            let name = h.canonical().unwrap();
            assert_eq!(HeaderName::classify(name.as_bytes()), h, "{name}");
            assert_eq!(
                HeaderName::classify(name.to_ascii_uppercase().as_bytes()),
                h
            );
            assert_eq!(
                HeaderName::classify(name.to_ascii_lowercase().as_bytes()),
                h
            );
            if let Some(c) = h.compact() {
                assert_eq!(HeaderName::classify(&[c as u8]), h);
                assert_eq!(HeaderName::classify(&[c.to_ascii_uppercase() as u8]), h);
            }
        }
    }

    #[test]
    fn compact_forms_of_guide() {
        let pairs = [
            ("i", HeaderName::CallId),
            ("m", HeaderName::Contact),
            ("f", HeaderName::From),
            ("t", HeaderName::To),
            ("v", HeaderName::Via),
            ("l", HeaderName::ContentLength),
            ("c", HeaderName::ContentType),
            ("k", HeaderName::Supported),
            ("s", HeaderName::Subject),
            ("e", HeaderName::ContentEncoding),
            ("o", HeaderName::Event),
            ("r", HeaderName::ReferTo),
            ("b", HeaderName::ReferredBy),
            ("u", HeaderName::AllowEvents),
            ("x", HeaderName::SessionExpires),
            ("a", HeaderName::AcceptContact),
            ("j", HeaderName::RejectContact),
            ("d", HeaderName::RequestDisposition),
            ("y", HeaderName::Identity),
            ("n", HeaderName::IdentityInfo),
        ];
        for (c, h) in pairs {
            assert_eq!(HeaderName::classify(c.as_bytes()), h, "{c}");
        }
        assert_eq!(HeaderName::classify(b"z"), HeaderName::Other);
        assert_eq!(HeaderName::classify(b"C%6Fntact"), HeaderName::Other);
        assert_eq!(HeaderName::classify(b""), HeaderName::Other);
        assert_eq!(HeaderName::classify(b"X-Foo"), HeaderName::Other);
        // Bytes that only differ by 0x20 from a letter or '-' must not match.
        assert_eq!(HeaderName::classify(b"Call\rID"), HeaderName::Other);
        assert_eq!(HeaderName::classify(b"Call\x0dID"), HeaderName::Other);
        assert_eq!(HeaderName::classify(b"Via"), HeaderName::Via);
        assert_eq!(HeaderName::classify(b"V\x01a"), HeaderName::Other);
        assert_eq!(HeaderName::classify(b"\x16"), HeaderName::Other);
        assert_eq!(
            HeaderName::classify(b"Content\x0dLength"),
            HeaderName::Other
        );
    }
}
