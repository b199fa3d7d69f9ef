//! Stateful fake Bugzilla + dist-git + Bodhi on 127.0.0.1, for trying `ebranch request`,
//! `status` and `follow-up` without touching Fedora's services.
//!
//! ```text
//! cargo run -p ebranch-fedora --example fake-services -- PORT [SEED.json]
//! ```
//!
//! PORT 0 picks a free port. The first line on stdout is `listening on http://127.0.0.1:PORT`;
//! point ebranch at it with `--bugzilla-url/--distgit-url/--bodhi-url` (or the
//! `EBRANCH_*_URL` variables) and `BUGZILLA_API_KEY=fake-api-key-0123456789`. The seed
//! (see `ebranch_fedora::fake::Seed`; `demo/fake-services.json` is the demo universe's)
//! says which packages exist, are branched, retired or in testing, and which bugs were
//! filed before. Requests the fake does not know are answered 500 and printed on stderr.
//! `curl -X POST http://127.0.0.1:PORT/_fake/clock -d '{"days": 8}'` moves the fake's
//! clock (which stamps new bugs, comments and flags) 8 days on. It serves until killed.

use std::io::Write;
use std::process::ExitCode;

use ebranch_fedora::fake::bugzilla::KEY;
use ebranch_fedora::fake::{FakeServices, Seed};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (port, seed_path) = match args.as_slice() {
        [port] => (port, None),
        [port, seed] => (port, Some(seed)),
        _ => {
            eprintln!("usage: fake-services PORT [SEED.json]   (PORT 0 = pick a free port)");
            return ExitCode::from(2);
        }
    };
    let Ok(port) = port.parse::<u16>() else {
        eprintln!("error: not a port: {port}");
        return ExitCode::from(2);
    };
    let seed = match seed_path {
        None => Seed::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {path}: {e}"))
            .and_then(|text| Seed::from_json(&text))
        {
            Ok(seed) => seed,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let fake = match FakeServices::start(&seed, port, false) {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    println!("listening on {}", fake.base());
    let _ = std::io::stdout().flush();
    eprintln!(
        "fake Bugzilla, dist-git and Bodhi at {}; the API key it accepts is {KEY}",
        fake.base()
    );
    fake.server.serve_forever();
    ExitCode::SUCCESS
}
