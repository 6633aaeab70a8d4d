//! Connecting with libpq's URL semantics for TLS, over rustls (ring provider) and tokio-rustls.
//!
//! `sslmode` (default `prefer`):
//! - `disable`: plain connection;
//! - `prefer`: TLS when the server offers it, else plain; the certificate is not checked;
//! - `require`: TLS or no connection; the certificate is not checked — unless a root certificate is given with
//!   `sslrootcert`, then it is checked as with `verify-ca` (libpq does the same);
//! - `verify-ca`: TLS, the server's certificate must chain to a trusted root;
//! - `verify-full`: as `verify-ca`, and the certificate must name the host of the URL.
//!
//! Trusted roots for the verifying modes: `sslrootcert=FILE` (PEM), `sslrootcert=system` (the platform's
//! roots), or when absent `~/.postgresql/root.crt` if it exists, else the platform's roots. A connection without
//! `connect_timeout` gives up after [`DEFAULT_CONNECT_TIMEOUT_S`] seconds.

use super::DbError;
use postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use postgres::{Client, Config, Socket};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Seconds a connection attempt may take when the URL sets no `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT_S: u64 = 10;

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<Self, DbError> {
        Ok(match value {
            "disable" | "allow" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => {
                return Err(DbError::Connect(format!(
                    "the URL's sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                )));
            }
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

/// The TLS wishes of a connection string, and the string without them (for the client crate's parser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsParams {
    pub mode: SslMode,
    pub root_cert: Option<String>,
    pub rest: String,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes `sslmode`, `sslrootcert` (and refuses client certificates) out of a URL or key-value string.
pub fn split_tls_params(url: &str) -> Result<TlsParams, DbError> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: String| -> Result<bool, DbError> {
        match key {
            "sslmode" => mode = Some(SslMode::parse(&value)?),
            "sslrootcert" => root_cert = Some(value),
            "sslcert" | "sslkey" => {
                return Err(DbError::Connect(format!(
                    "client certificates ({key}=…) are not supported; use a password (PGPASSWORD or ~/.pgpass)"
                )));
            }
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if url.starts_with("postgresql://") || url.starts_with("postgres://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(&percent_decode(k), percent_decode(v))? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
            }
            None => url.to_owned(),
        }
    } else {
        let mut kept = Vec::new();
        for kv in url.split_whitespace() {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            if !take(k, v.trim_matches('\'').to_owned())? {
                kept.push(kv);
            }
        }
        kept.join(" ")
    };
    Ok(TlsParams { mode: mode.unwrap_or(SslMode::Prefer), root_cert, rest })
}

/// Connects as the URL asks (TLS mode, roots, timeout).
pub fn connect(url: &str) -> Result<Client, DbError> {
    let params = split_tls_params(url)?;
    let mut config: Config = params.rest.parse().map_err(|e| DbError::Connect(super::describe(&e)))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(DEFAULT_CONNECT_TIMEOUT_S));
    }
    config.ssl_mode(match params.mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    });
    let connector = RustlsConnect::new(params.mode, params.root_cert.as_deref())?;
    config.connect(connector).map_err(|e| {
        let mut text = super::describe(&e);
        if text.contains("invalid peer certificate") {
            text.push_str(&format!(
                " (sslmode={} checks the server's certificate against sslrootcert=FILE, ~/.postgresql/root.crt or \
                 the system's trusted roots: give the server's CA certificate with sslrootcert=/path/to/ca.pem, or \
                 use sslmode=require to encrypt without checking)",
                params.mode.label()
            ));
        }
        DbError::Connect(text)
    })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn load_roots(path: &Path) -> Result<RootCertStore, DbError> {
    let bad =
        |e: String| DbError::Connect(format!("cannot read the root certificate sslrootcert={}: {e}", path.display()));
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(e.to_string()))? {
        roots.add(cert.map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(bad("no PEM certificate in the file".into()));
    }
    Ok(roots)
}

fn default_root_file() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let path = Path::new(&home).join(".postgresql/root.crt");
    path.is_file().then_some(path)
}

/// The chain verifier for the verifying modes: the given roots, or the platform's.
fn chain_verifier(root_cert: Option<&str>) -> Result<Arc<dyn ServerCertVerifier>, DbError> {
    let file = match root_cert {
        Some("system") => None,
        Some(f) => Some(PathBuf::from(f)),
        None => default_root_file(),
    };
    match file {
        Some(f) => {
            let roots = load_roots(&f)?;
            let v = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| DbError::Connect(format!("cannot use the root certificate {}: {e}", f.display())))?;
            Ok(v)
        }
        None => {
            let v = rustls_platform_verifier::Verifier::new(provider())
                .map_err(|e| DbError::Connect(format!("cannot load the system's trusted roots: {e}")))?;
            Ok(Arc::new(v))
        }
    }
}

fn client_config(mode: SslMode, root_cert: Option<&str>) -> Result<ClientConfig, DbError> {
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, root_cert) {
        (SslMode::VerifyFull, _) => chain_verifier(root_cert)?,
        (SslMode::VerifyCa, _) | (SslMode::Require, Some(_)) => Arc::new(IgnoreHostName(chain_verifier(root_cert)?)),
        _ => Arc::new(EncryptOnly(provider().signature_verification_algorithms)),
    };
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::Connect(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}

/// `require`/`prefer` without roots: any certificate, but the handshake's signatures are still checked (the
/// session is encrypted with the key of the certificate shown).
#[derive(Debug)]
struct EncryptOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca`: the chain is checked, the host name is not.
#[derive(Debug)]
struct IgnoreHostName(Arc<dyn ServerCertVerifier>);

impl ServerCertVerifier for IgnoreHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The client crate's TLS hook over tokio-rustls.
#[derive(Clone)]
struct RustlsConnect(Arc<ClientConfig>);

impl RustlsConnect {
    fn new(mode: SslMode, root_cert: Option<&str>) -> Result<Self, DbError> {
        if mode == SslMode::Disable {
            // Never used for the handshake; the config only has to exist.
            return Ok(Self(Arc::new(client_config(SslMode::Prefer, None)?)));
        }
        Ok(Self(Arc::new(client_config(mode, root_cert)?)))
    }
}

impl MakeTlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnector;
    type Error = std::io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnector, std::io::Error> {
        // Empty for unix sockets, where the server never offers TLS.
        let name = ServerName::try_from(domain.to_owned()).ok();
        Ok(RustlsConnector { config: self.0.clone(), name })
    }
}

pub struct RustlsConnector {
    config: Arc<ClientConfig>,
    name: Option<ServerName<'static>>,
}

type Handshake = Pin<Box<dyn Future<Output = Result<RustlsStream, std::io::Error>> + Send>>;

impl TlsConnect<Socket> for RustlsConnector {
    type Stream = RustlsStream;
    type Error = std::io::Error;
    type Future = Handshake;

    fn connect(self, stream: Socket) -> Handshake {
        Box::pin(async move {
            let name = self.name.ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "no valid host name for the TLS handshake")
            })?;
            let tls = tokio_rustls::TlsConnector::from(self.config).connect(name, stream).await?;
            Ok(RustlsStream(Box::new(tls)))
        })
    }
}

pub struct RustlsStream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl AsyncRead for RustlsStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl TlsStream for RustlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM without channel binding (the tls-server-end-point hash depends on the certificate's signature
        // algorithm); the session is still encrypted and, in the verifying modes, authenticated.
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_tls_parameters_come_out_of_a_url_and_the_rest_stays() {
        let p = split_tls_params(
            "postgresql://bp@127.0.0.1:5433/plans?connect_timeout=3&sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem",
        )
        .unwrap();
        assert_eq!(p.mode, SslMode::VerifyFull);
        assert_eq!(p.root_cert.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(p.rest, "postgresql://bp@127.0.0.1:5433/plans?connect_timeout=3");
        let kv = split_tls_params("host=db.example user=bp sslmode=require dbname=plans").unwrap();
        assert_eq!((kv.mode, kv.rest.as_str()), (SslMode::Require, "host=db.example user=bp dbname=plans"));
        assert_eq!(split_tls_params("host=/tmp dbname=x").unwrap().mode, SslMode::Prefer);
    }

    #[test]
    fn an_unknown_sslmode_or_a_client_certificate_is_refused_by_name() {
        let e = split_tls_params("postgresql://h/db?sslmode=always").unwrap_err().to_string();
        assert!(e.contains("sslmode=always"), "{e}");
        let e = split_tls_params("host=h sslcert=/c.pem").unwrap_err().to_string();
        assert!(e.contains("sslcert"), "{e}");
    }
}
