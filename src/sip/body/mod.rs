//! Message bodies: SDP, message/sipfrag, multipart, DTMF.
