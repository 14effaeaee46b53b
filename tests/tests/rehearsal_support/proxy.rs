//! A loopback HTTP proxy in front of moto. It reads each request's region from its SigV4
//! `Authorization` header (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`), counts requests
//! per region, answers 503 for a refused region (the failed one), and forwards everything else.
//! It also answers the one call moto lacks that `deploy.sh` makes, AWS Backup's
//! `ListRecoveryPointsByBackupVault`, from recovery points the test sets.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A recovery point the proxy lists: ARN, resource type, status, creation time (epoch seconds).
#[derive(Debug, Clone)]
pub struct RecoveryPoint {
    pub arn: String,
    pub resource_type: String,
    pub status: String,
    pub created: u64,
}

/// A request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub region: String,
    pub service: String,
    pub method: String,
    pub target: String,
    pub refused: bool,
}

#[derive(Debug, Default)]
struct State {
    refused: Option<String>,
    seen: Vec<Seen>,
    recovery_points: Vec<RecoveryPoint>,
}

#[derive(Debug)]
pub struct Proxy {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to moto on `upstream`.
    pub fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = handle(stream, upstream, &state);
                });
            }
        });
        Proxy { port, state }
    }

    /// From now on, every request signed for `region` is answered 503 (None: none is).
    pub fn refuse(&self, region: Option<&str>) {
        self.state.lock().unwrap().refused = region.map(str::to_string);
    }

    pub fn set_recovery_points(&self, points: Vec<RecoveryPoint>) {
        self.state.lock().unwrap().recovery_points = points;
    }

    /// The requests seen since the last call, and forgets them.
    pub fn take_seen(&self) -> Vec<Seen> {
        std::mem::take(&mut self.state.lock().unwrap().seen)
    }
}

/// Requests per region, as `region: n (k refused)` text.
pub fn per_region(seen: &[Seen]) -> BTreeMap<String, (usize, usize)> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for s in seen {
        let c = counts.entry(s.region.clone()).or_default();
        c.0 += 1;
        if s.refused {
            c.1 += 1;
        }
    }
    counts
}

/// The region and service of a SigV4 `Authorization` header.
pub fn scope(authorization: &str) -> Option<(String, String)> {
    let credential = authorization.split("Credential=").nth(1)?;
    let credential = credential.split([',', ' ']).next()?;
    let mut parts = credential.split('/');
    let (_key, _date) = (parts.next()?, parts.next()?);
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    (parts.next()? == "aws4_request").then_some((region, service))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A request or status line and its headers.
type Head = (String, Vec<(String, String)>);

fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut first = String::new();
    if reader.read_line(&mut first)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok(Some((first.trim_end().to_string(), headers)))
}

/// The request body as sent: `Content-Length` bytes, or the raw chunks of a chunked body.
fn read_body(reader: &mut impl BufRead, headers: &[(String, String)]) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if header(headers, "Transfer-Encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line)?;
            body.extend_from_slice(size_line.as_bytes());
            let size =
                usize::from_str_radix(size_line.trim().split(';').next().unwrap_or_default(), 16)
                    .unwrap_or(0);
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line)?;
                    body.extend_from_slice(line.as_bytes());
                    if line.trim().is_empty() {
                        return Ok(body);
                    }
                }
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
        }
    }
    let length: usize = header(headers, "Content-Length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    body.resize(length, 0);
    reader.read_exact(&mut body)?;
    Ok(body)
}

fn respond(
    client: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    write!(
        client,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// One request per connection: the answer says `Connection: close`.
fn handle(client: TcpStream, upstream: u16, state: &Mutex<State>) -> std::io::Result<()> {
    let mut client_writer = client.try_clone()?;
    let mut reader = BufReader::new(client);
    let Some((request_line, headers)) = read_head(&mut reader)? else {
        return Ok(());
    };
    if header(&headers, "Expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        client_writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = read_body(&mut reader, &headers)?;
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let target = words.next().unwrap_or_default().to_string();
    let (region, service) = header(&headers, "Authorization")
        .and_then(scope)
        .unwrap_or_else(|| ("unsigned".into(), "unsigned".into()));

    let (refused, points) = {
        let mut s = state.lock().unwrap();
        let refused = s.refused.as_deref() == Some(region.as_str());
        s.seen.push(Seen {
            region: region.clone(),
            service: service.clone(),
            method: method.clone(),
            target: target.clone(),
            refused,
        });
        (refused, s.recovery_points.clone())
    };
    if refused {
        return respond(
            &mut client_writer,
            "503 Service Unavailable",
            "text/plain",
            &format!("the rehearsal proxy refuses every call to `{region}` (the failed region)"),
        );
    }
    if service == "backup" && method == "GET" && target.contains("/recovery-points") {
        return respond(
            &mut client_writer,
            "200 OK",
            "application/json",
            &recovery_points_answer(&target, &points),
        );
    }

    let mut moto = TcpStream::connect(("127.0.0.1", upstream))?;
    let mut head = format!("{request_line}\r\n");
    for (k, v) in &headers {
        if ["Connection", "Keep-Alive", "Expect"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
        {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    moto.write_all(head.as_bytes())?;
    moto.write_all(&body)?;
    let mut answer = BufReader::new(moto);
    let Some((status_line, answer_headers)) = read_head(&mut answer)? else {
        return Ok(());
    };
    let mut head = format!("{status_line}\r\n");
    for (k, v) in &answer_headers {
        if !k.eq_ignore_ascii_case("Connection") && !k.eq_ignore_ascii_case("Keep-Alive") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    client_writer.write_all(head.as_bytes())?;
    std::io::copy(&mut answer, &mut client_writer)?;
    client_writer.flush()
}

/// `ListRecoveryPointsByBackupVault`'s answer, filtered by the `resourceType` query parameter
/// as AWS filters it.
fn recovery_points_answer(target: &str, points: &[RecoveryPoint]) -> String {
    let vault = target
        .split("/backup-vaults/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let wanted: Option<&str> = target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("resourceType="));
    let listed: Vec<serde_json::Value> = points
        .iter()
        .filter(|p| wanted.is_none_or(|w| w == p.resource_type))
        .map(|p| {
            serde_json::json!({
                "RecoveryPointArn": p.arn,
                "BackupVaultName": vault,
                "ResourceType": p.resource_type,
                "Status": p.status,
                "CreationDate": p.created,
            })
        })
        .collect();
    serde_json::json!({ "RecoveryPoints": listed }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_region_and_service_from_the_credential_scope() {
        let auth = "AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-2/cloudformation/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(
            scope(auth),
            Some(("us-east-2".to_string(), "cloudformation".to_string()))
        );
        assert_eq!(scope("Bearer x"), None);
        assert_eq!(scope("AWS4-HMAC-SHA256 Credential=a/b/c"), None);
    }

    #[test]
    fn recovery_points_are_filtered_by_type() {
        let points = vec![
            RecoveryPoint {
                arn: "a".into(),
                resource_type: "Aurora".into(),
                status: "COMPLETED".into(),
                created: 1,
            },
            RecoveryPoint {
                arn: "d".into(),
                resource_type: "DynamoDB".into(),
                status: "COMPLETED".into(),
                created: 2,
            },
        ];
        let answer = recovery_points_answer(
            "/backup-vaults/v/recovery-points/?resourceType=Aurora",
            &points,
        );
        assert!(
            answer.contains("\"a\"") && !answer.contains("\"d\""),
            "{answer}"
        );
        assert!(answer.contains("\"BackupVaultName\":\"v\""), "{answer}");
    }
}
