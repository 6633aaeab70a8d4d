#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The shared plan over TLS, against the throwaway cluster of scripts/test_db.sh listening on 127.0.0.1 with
//! ssl=on and a certificate from a throwaway CA (BORDERPLAN_TEST_DB_TLS, sslmode=require; BORDERPLAN_TEST_DB_CERT,
//! the CA certificate). Without those variables every test here prints why and returns.

use borderplan::io::{bundled, db, plan_file};

/// The `sslmode=require` URL and the server's certificate.
fn tls_db() -> Option<(String, String)> {
    match (std::env::var("BORDERPLAN_TEST_DB_TLS"), std::env::var("BORDERPLAN_TEST_DB_CERT")) {
        (Ok(url), Ok(cert)) if !url.is_empty() && !cert.is_empty() => {
            let mut c = db::connect(&url).expect("the TLS test database accepts connections");
            db::init(&mut c).expect("db init");
            Some((url, cert))
        }
        _ => {
            println!(
                "SKIPPED: BORDERPLAN_TEST_DB_TLS / BORDERPLAN_TEST_DB_CERT are not set (scripts/test.sh starts a \
                 throwaway PostGIS cluster with a TLS port when openssl is installed)"
            );
            None
        }
    }
}

fn unique_name(what: &str) -> String {
    format!("{what}-{}-{}", std::process::id(), borderplan::model::ids::new_ids("", 1, |_| false)[0])
}

/// The URL with `sslmode` replaced (the test URL ends in `?sslmode=require`).
fn with_mode(url: &str, mode: &str) -> String {
    url.replace("sslmode=require", &format!("sslmode={mode}"))
}

fn session_is_ssl(c: &mut postgres::Client) -> bool {
    c.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0)
}

#[test]
fn a_plan_pushed_and_pulled_over_sslmode_require_travels_encrypted_and_unchanged() {
    let Some((url, _)) = tls_db() else { return };
    let name = unique_name("tls");
    let plan = bundled::example_plan().unwrap();
    let mut c = db::connect(&url).unwrap();
    assert!(session_is_ssl(&mut c), "the server reports the sslmode=require session as SSL");
    let pushed = db::push(&mut c, &url, &plan, &name).unwrap();
    assert_eq!(pushed.version, 1);
    let mut pulled = db::pull(&mut c, &url, &name).unwrap();
    pulled.extra.shift_remove(db::ORIGIN_MEMBER);
    assert_eq!(plan_file::to_string(&pulled).unwrap(), plan_file::to_string(&plan).unwrap());
    // The same server without TLS: the session is plain.
    let mut plain = db::connect(&with_mode(&url, "disable")).unwrap();
    assert!(!session_is_ssl(&mut plain), "sslmode=disable is a plain session");
    // prefer (the default) takes TLS when the server offers it.
    let mut preferred = db::connect(&url.replace("?sslmode=require", "")).unwrap();
    assert!(session_is_ssl(&mut preferred), "sslmode=prefer uses TLS when offered");
}

#[test]
fn verify_full_refuses_a_certificate_from_an_unknown_ca_unless_it_is_the_given_root() {
    let Some((url, cert)) = tls_db() else { return };
    let full = with_mode(&url, "verify-full");
    let err = db::connect(&format!("{full}&sslrootcert=system")).err().expect("an unknown issuer is refused");
    let text = err.to_string();
    assert!(text.contains("invalid peer certificate") && text.contains("sslrootcert"), "{text}");
    for host in ["127.0.0.1", "localhost"] {
        let trusted = format!("{}&sslrootcert={cert}", full.replace("127.0.0.1", host));
        let mut c = db::connect(&trusted).unwrap_or_else(|e| panic!("verify-full with the root, {host}: {e}"));
        assert!(session_is_ssl(&mut c));
    }
}

#[test]
fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let Some((url, cert)) = tls_db() else { return };
    let Ok(host_name) = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()) else { return };
    // A name of this machine that the certificate does not carry (it names localhost and 127.0.0.1 only).
    let resolves = std::net::ToSocketAddrs::to_socket_addrs(&(host_name.as_str(), 1))
        .map(|mut a| a.any(|a| a.ip().is_loopback()))
        .unwrap_or(false);
    if host_name.is_empty() || host_name == "localhost" || !resolves {
        println!("SKIPPED: this machine's host name does not resolve to a loopback address");
        return;
    }
    let other = url.replace("127.0.0.1", &host_name);
    let full = format!("{}&sslrootcert={cert}", with_mode(&other, "verify-full"));
    let text = db::connect(&full).err().expect("a certificate for another name is refused").to_string();
    assert!(text.contains("certificate") && text.contains("verify-full"), "{text}");
    let ca = format!("{}&sslrootcert={cert}", with_mode(&other, "verify-ca"));
    let mut c = db::connect(&ca).unwrap_or_else(|e| panic!("verify-ca ignores the name: {e}"));
    assert!(session_is_ssl(&mut c));
}

#[test]
fn a_missing_root_certificate_file_is_named() {
    let Some((url, _)) = tls_db() else { return };
    let text = db::connect(&format!("{}&sslrootcert=/no/such/ca.pem", with_mode(&url, "verify-ca")))
        .err()
        .expect("refused")
        .to_string();
    assert!(text.contains("/no/such/ca.pem"), "{text}");
}
