//! NTLM over HTTP (MS-NLMP, NTLMv2): the three-message handshake on one connection.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use serde_json::json;

use super::PENDING_LIMIT;
use crate::respond::error;
use crate::state::Shared;
use crate::util::{base64_decode, base64_encode};

/// The NTLM domain (NetBIOS name) the server announces.
const NTLM_DOMAIN: &str = "DEMO";

/// NTLMSSP message flags (MS-NLMP 2.2.2.5) the CHALLENGE sets: Unicode, target
/// requested, NTLM, domain target, extended session security, target info, 128- and
/// 56-bit. Never LM_KEY or KEY_EXCH, which go-ntlmssp (k6's client) refuses.
const NTLM_FLAGS: u32 = 0x0000_0001
    | 0x0000_0004
    | 0x0000_0200
    | 0x0001_0000
    | 0x0008_0000
    | 0x0080_0000
    | 0x2000_0000
    | 0x8000_0000;

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = <Hmac<Md5> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// NTOWFv2 (MS-NLMP 3.3.2): HMAC-MD5 keyed by MD4 of the UTF-16LE password, over the
/// UTF-16LE upper-cased user name followed by the domain.
fn ntowf_v2(password: &str, user: &str, domain: &str) -> [u8; 16] {
    let nt_hash = md4::Md4::digest(utf16le(password));
    // Windows upper-cases one UTF-16 unit at a time; so does Go's strings.ToUpper.
    let upper: String = user
        .chars()
        .map(|c| {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect();
    hmac_md5(&nt_hash, &[&utf16le(&format!("{upper}{domain}"))])
}

/// An NTLMSSP message's type (1, 2 or 3) when `bytes` is one.
fn ntlm_message_type(bytes: &[u8]) -> Option<u32> {
    if bytes.len() < 12 || &bytes[..8] != b"NTLMSSP\0" {
        return None;
    }
    Some(u32::from_le_bytes(bytes[8..12].try_into().ok()?))
}

/// The payload a security buffer (length, allocated, offset) at `at` points to.
fn ntlm_field(message: &[u8], at: usize) -> Option<&[u8]> {
    let field = message.get(at..at + 8)?;
    let len = usize::from(u16::from_le_bytes([field[0], field[1]]));
    let offset = u32::from_le_bytes(field[4..8].try_into().ok()?) as usize;
    message.get(offset..offset.checked_add(len)?)
}

fn ntlm_string(bytes: &[u8], unicode: bool) -> Option<String> {
    if unicode {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16(&units).ok()
    } else {
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// A CHALLENGE message (MS-NLMP 2.2.1.2) carrying `challenge`, the domain as target
/// name, and target info with the names and the time.
fn ntlm_challenge_message(challenge: [u8; 8]) -> Vec<u8> {
    let target_name = utf16le(NTLM_DOMAIN);
    let mut target_info = Vec::new();
    let mut av = |id: u16, value: &[u8]| {
        target_info.extend_from_slice(&id.to_le_bytes());
        target_info.extend_from_slice(&(value.len() as u16).to_le_bytes());
        target_info.extend_from_slice(value);
    };
    av(2, &utf16le(NTLM_DOMAIN)); // MsvAvNbDomainName
    av(1, &utf16le("DEMO-SHOP")); // MsvAvNbComputerName
    av(4, &utf16le("demo.local")); // MsvAvDnsDomainName
    av(3, &utf16le("shop.demo.local")); // MsvAvDnsComputerName
    let since_1601 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64
        / 100
        + 116_444_736_000_000_000;
    av(7, &since_1601.to_le_bytes()); // MsvAvTimestamp
    av(0, &[]); // MsvAvEOL
    let header_len = 56; // up to and including the Version field
    let mut message = Vec::with_capacity(header_len + target_name.len() + target_info.len());
    message.extend_from_slice(b"NTLMSSP\0");
    message.extend_from_slice(&2u32.to_le_bytes());
    let buffer = |message: &mut Vec<u8>, len: usize, offset: usize| {
        message.extend_from_slice(&(len as u16).to_le_bytes());
        message.extend_from_slice(&(len as u16).to_le_bytes());
        message.extend_from_slice(&(offset as u32).to_le_bytes());
    };
    buffer(&mut message, target_name.len(), header_len);
    message.extend_from_slice(&NTLM_FLAGS.to_le_bytes());
    message.extend_from_slice(&challenge);
    message.extend_from_slice(&[0; 8]); // Reserved
    buffer(
        &mut message,
        target_info.len(),
        header_len + target_name.len(),
    );
    message.extend_from_slice(&[0; 8]); // Version: only for debugging, left empty
    message.extend_from_slice(&target_name);
    message.extend_from_slice(&target_info);
    message
}

/// Whether an AUTHENTICATE message (MS-NLMP 2.2.1.3) proves, for `challenge`, that
/// its sender knows `password` for `user`: its NTLMv2 response must start with
/// HMAC-MD5(NTOWFv2, challenge ‖ the rest of the response).
fn ntlm_verify(message: &[u8], challenge: [u8; 8], user: &str, password: &str) -> bool {
    let check = || -> Option<bool> {
        let flags = u32::from_le_bytes(message.get(60..64)?.try_into().ok()?);
        let unicode = flags & 1 == 1;
        let nt_response = ntlm_field(message, 20)?;
        let domain = ntlm_string(ntlm_field(message, 28)?, unicode)?;
        let sent_user = ntlm_string(ntlm_field(message, 36)?, unicode)?;
        // An NTLMv2 response is the 16-byte proof, then a blob of at least 28 bytes.
        if nt_response.len() < 16 + 28 || !sent_user.eq_ignore_ascii_case(user) {
            return Some(false);
        }
        let (proof, blob) = nt_response.split_at(16);
        let key = ntowf_v2(password, &sent_user, &domain);
        Some(hmac_md5(&key, &[&challenge, blob]) == proof)
    };
    check().unwrap_or(false)
}

/// NTLM over HTTP as Windows servers do it: `401 NTLM`; a NEGOTIATE gets `401 NTLM
/// <CHALLENGE>`; the AUTHENTICATE on the same connection gets 200 when its NTLMv2
/// proof is right, else 401.
pub(crate) async fn ntlm_auth(
    State(shop): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((user, password)): Path<(String, String)>,
) -> Response {
    let message = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            let ntlm =
                scheme.eq_ignore_ascii_case("NTLM") || scheme.eq_ignore_ascii_case("Negotiate");
            ntlm.then(|| base64_decode(token.trim())).flatten()
        });
    let mut challenge_header = "NTLM".to_owned();
    match message
        .as_deref()
        .and_then(|m| Some((m, ntlm_message_type(m)?)))
    {
        Some((_, 1)) => {
            let challenge = shop.next().to_le_bytes();
            {
                let mut pending = shop.ntlm_challenges.lock().expect("challenge lock");
                if pending.len() >= PENDING_LIMIT {
                    pending.clear();
                }
                pending.insert(peer, challenge);
            }
            challenge_header =
                format!("NTLM {}", base64_encode(&ntlm_challenge_message(challenge)));
        }
        Some((message, 3)) => {
            let challenge = shop
                .ntlm_challenges
                .lock()
                .expect("challenge lock")
                .remove(&peer);
            if challenge.is_some_and(|c| ntlm_verify(message, c, &user, &password)) {
                return Json(json!({ "authenticated": true, "user": user })).into_response();
            }
        }
        _ => {}
    }
    let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        challenge_header.parse().expect("valid header"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MS-NLMP 4.2.4's NTLMv2 example: user "User", domain "Domain", password
    /// "Password", server challenge 0123456789abcdef.
    #[test]
    fn ntlm_v2_matches_ms_nlmp() {
        let key = ntowf_v2("Password", "User", "Domain");
        assert_eq!(
            key,
            [
                0x0c, 0x86, 0x8a, 0x40, 0x3b, 0xfd, 0x7a, 0x93, 0xa3, 0x00, 0x1e, 0xf2, 0x2e, 0xf0,
                0x2e, 0x3f
            ]
        );
        let challenge = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];
        let message = ntlm_challenge_message(challenge);
        assert_eq!(ntlm_message_type(&message), Some(2));
        assert_eq!(&message[24..32], &challenge);
        assert_eq!(ntlm_field(&message, 12).unwrap(), utf16le(NTLM_DOMAIN));
        let info = ntlm_field(&message, 40).unwrap();
        assert_eq!(&info[info.len() - 4..], &[0, 0, 0, 0], "ends with MsvAvEOL");

        // The AUTHENTICATE of the example: client challenge aa.., time 0, target info
        // with NetBIOS domain "Domain" and server "Server".
        let mut blob = vec![1, 1, 0, 0, 0, 0, 0, 0];
        blob.extend_from_slice(&[0; 8]);
        blob.extend_from_slice(&[0xaa; 8]);
        blob.extend_from_slice(&[0; 4]);
        for (id, name) in [(2u16, "Domain"), (1, "Server")] {
            blob.extend_from_slice(&id.to_le_bytes());
            blob.extend_from_slice(&12u16.to_le_bytes());
            blob.extend_from_slice(&utf16le(name));
        }
        blob.extend_from_slice(&[0; 8]);
        let proof = [
            0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b, 0xeb, 0xef,
            0x6a, 0x1c,
        ];
        assert_eq!(hmac_md5(&key, &[&challenge, &blob]), proof);
        let nt_response = [&proof[..], &blob].concat();
        let (domain, user) = (utf16le("Domain"), utf16le("User"));
        let mut authenticate = b"NTLMSSP\0".to_vec();
        authenticate.extend_from_slice(&3u32.to_le_bytes());
        let mut offset = 64;
        for len in [0, nt_response.len(), domain.len(), user.len(), 0, 0] {
            authenticate.extend_from_slice(&(len as u16).to_le_bytes());
            authenticate.extend_from_slice(&(len as u16).to_le_bytes());
            authenticate.extend_from_slice(&(offset as u32).to_le_bytes());
            offset += len;
        }
        authenticate.extend_from_slice(&NTLM_FLAGS.to_le_bytes());
        for payload in [&nt_response[..], &domain, &user] {
            authenticate.extend_from_slice(payload);
        }
        assert!(ntlm_verify(&authenticate, challenge, "user", "Password"));
        assert!(!ntlm_verify(&authenticate, challenge, "user", "password"));
        assert!(!ntlm_verify(&authenticate, [0; 8], "user", "Password"));
        assert!(!ntlm_verify(&authenticate, challenge, "other", "Password"));
        assert!(!ntlm_verify(
            &authenticate[..70],
            challenge,
            "user",
            "Password"
        ));
    }
}
