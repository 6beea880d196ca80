//! One `wrk` run and what it printed.

use std::process::Command;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: u64,
}

/// How `wrk` is run: its duration, connections and the core it is pinned
/// to (`None`: unpinned).
#[derive(Debug, Clone)]
pub struct Load {
    pub seconds: u32,
    pub connections: u32,
    pub core: Option<usize>,
}

impl Load {
    /// Runs `wrk` against `url` with the customer's token.
    pub fn run(&self, url: &str, token: &str) -> Measured {
        let mut command = match self.core {
            Some(core) => {
                let mut taskset = Command::new("taskset");
                taskset.args(["-c", &core.to_string(), "wrk"]);
                taskset
            }
            None => Command::new("wrk"),
        };
        let output = command
            // One wrk thread: it has one core to itself.
            .args([
                "-t1",
                "-c",
                &self.connections.to_string(),
                "-d",
                &format!("{}s", self.seconds),
                "--latency",
                "-H",
            ])
            .arg(format!("Authorization: Bearer {token}"))
            .arg(url)
            .output()
            .expect("wrk runs (apt-get install wrk)");
        let text = String::from_utf8_lossy(&output.stdout);
        parse(&text).unwrap_or_else(|| {
            panic!(
                "wrk printed no figures for {url}:\n{text}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }
}

fn parse(text: &str) -> Option<Measured> {
    let field = |prefix: &str| {
        text.lines()
            .find(|line| line.trim_start().starts_with(prefix))
            .and_then(|line| line.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    let non_2xx = text
        .lines()
        .find(|line| line.contains("Non-2xx"))
        .and_then(|line| line.rsplit(':').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    Some(Measured {
        requests_per_second: field("Requests/sec:")?.parse().ok()?,
        p50_ms: millis(&field("50%")?)?,
        p99_ms: millis(&field("99%")?)?,
        non_2xx,
    })
}

/// wrk's latency, e.g. `812.00us`, `1.19ms`, `2.01s`, in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}
