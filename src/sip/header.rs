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

impl HeaderName {
    /// Classifies a header name as it appears on the wire (any case, compact or long form).
    #[inline]
    pub fn classify(name: &[u8]) -> HeaderName {
        use HeaderName::*;
        let first = match name.first() {
            Some(b) => b | 0x20,
            None => return Other,
        };
        if name.len() == 1 {
            return Self::from_compact(first);
        }
        let cands: &[(&[u8], HeaderName)] = match name.len() {
            2 => &[(b"to", To)],
            3 => &[(b"via", Via)],
            4 => &[
                (b"from", From),
                (b"cseq", CSeq),
                (b"rseq", RSeq),
                (b"rack", RAck),
                (b"date", Date),
                (b"path", PathHeader),
            ],
            5 => &[(b"allow", Allow), (b"event", Event), (b"route", Route)],
            6 => &[
                (b"server", Server),
                (b"reason", Reason),
                (b"min-se", MinSe),
                (b"accept", Accept),
            ],
            7 => &[
                (b"call-id", CallId),
                (b"contact", Contact),
                (b"require", Require),
                (b"expires", Expires),
                (b"subject", Subject),
                (b"warning", Warning),
                (b"privacy", Privacy),
            ],
            8 => &[
                (b"refer-to", ReferTo),
                (b"replaces", Replaces),
                (b"identity", Identity),
                (b"priority", Priority),
                (b"reply-to", ReplyTo),
            ],
            9 => &[
                (b"supported", Supported),
                (b"refer-sub", ReferSub),
                (b"timestamp", Timestamp),
                (b"call-info", CallInfo),
            ],
            10 => &[
                (b"user-agent", UserAgent),
                (b"alert-info", AlertInfo),
                (b"error-info", ErrorInfo),
            ],
            11 => &[
                (b"unsupported", Unsupported),
                (b"min-expires", MinExpires),
                (b"referred-by", ReferredBy),
                (b"retry-after", RetryAfter),
                (b"in-reply-to", InReplyTo),
            ],
            12 => &[
                (b"max-forwards", MaxForwards),
                (b"content-type", ContentType),
                (b"allow-events", AllowEvents),
                (b"record-route", RecordRoute),
                (b"organization", Organization),
                (b"mime-version", MimeVersion),
            ],
            13 => &[
                (b"proxy-require", ProxyRequire),
                (b"identity-info", IdentityInfo),
                (b"authorization", Authorization),
                (b"service-route", ServiceRoute),
            ],
            14 => &[
                (b"content-length", ContentLength),
                (b"accept-contact", AcceptContact),
                (b"reject-contact", RejectContact),
            ],
            15 => &[
                (b"session-expires", SessionExpires),
                (b"accept-encoding", AcceptEncoding),
                (b"accept-language", AcceptLanguage),
            ],
            16 => &[
                (b"content-encoding", ContentEncoding),
                (b"www-authenticate", WwwAuthenticate),
            ],
            18 => &[
                (b"subscription-state", SubscriptionState),
                (b"proxy-authenticate", ProxyAuthenticate),
            ],
            19 => &[
                (b"p-asserted-identity", PAssertedIdentity),
                (b"content-disposition", ContentDisposition),
                (b"request-disposition", RequestDisposition),
                (b"proxy-authorization", ProxyAuthorization),
                (b"authentication-info", AuthenticationInfo),
            ],
            20 => &[(b"p-preferred-identity", PPreferredIdentity)],
            25 => &[(b"content-transfer-encoding", ContentTransferEncoding)],
            _ => &[],
        };
        for &(cand, kind) in cands {
            if cand[0] == first && name.eq_ignore_ascii_case(cand) {
                return kind;
            }
        }
        Other
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
    }
}
