//! The outboxes after the soak: waiting until they drain, reading what
//! they hold, and proving nothing was lost — every accepted event recorded
//! with one delivery per subscriber, each delivered or dead-lettered, the
//! recorder's effects once per event, every email sent.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::host::SoakHost;
use super::load::Tally;

/// Waits until no delivery and no mail is pending (a minute at most).
pub async fn drain(host: &SoakHost) -> bool {
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until {
        let open = host
            .count("SELECT count(*) FROM modgate_deliveries WHERE state IN ('pending', 'leased')")
            .await
            + host
                .count("SELECT count(*) FROM modgate_mail WHERE state IN ('pending', 'leased')")
                .await;
        if open == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// What the outboxes hold after the load.
#[derive(Debug)]
pub struct Outbox {
    pub events: i64,
    pub accepted_found: usize,
    /// (module, state) → deliveries.
    pub deliveries: BTreeMap<(String, String), i64>,
    pub recorded: i64,
    pub recorded_distinct: i64,
    /// (module, state) → messages.
    pub mail: BTreeMap<(String, String), i64>,
    /// (module, last error) of every dead letter but the trapping
    /// subscriber's: why a delivery that should have arrived did not.
    pub unexpected_dead: Vec<(String, String)>,
}

impl Outbox {
    pub async fn read(host: &SoakHost, tally: &Tally) -> Outbox {
        let mut accepted_found = 0;
        for (_, id) in &tally.accepted_events {
            // Ids are ULIDs the host made: safe to inline.
            accepted_found += host
                .count(&format!(
                    "SELECT count(*) FROM modgate_events WHERE id = '{id}'"
                ))
                .await as usize;
        }
        Outbox {
            events: host
                .count("SELECT count(*) FROM modgate_events WHERE name = 'product.price-changed'")
                .await,
            accepted_found,
            deliveries: grouped(host, "modgate_deliveries").await,
            recorded: host
                .count("SELECT count(*) FROM acme__mod_recorder_effects")
                .await,
            recorded_distinct: host
                .count("SELECT count(DISTINCT event_id) FROM acme__mod_recorder_effects")
                .await,
            mail: grouped(host, "modgate_mail").await,
            unexpected_dead: unexpected_dead(host).await,
        }
    }

    fn deliveries_of(&self, module: &str, state: &str) -> i64 {
        self.deliveries
            .get(&(module.to_owned(), state.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub fn assert_nothing_lost(&self, tally: &Tally) {
        let acme = tally
            .accepted_events
            .iter()
            .filter(|(globex, _)| !globex)
            .count() as i64;
        let globex = tally.accepted_events.len() as i64 - acme;
        assert!(
            acme > 0 && globex > 0,
            "the shop raised events for both tenants"
        );
        assert_eq!(
            self.accepted_found,
            tally.accepted_events.len(),
            "every accepted event is in the outbox"
        );
        assert_eq!(
            self.events,
            acme + globex,
            "the outbox holds exactly the accepted events"
        );
        assert!(
            self.unexpected_dead.is_empty(),
            "only the trapping subscriber's deliveries are dead letters: {:?}",
            self.unexpected_dead
        );
        let total: i64 = self.deliveries.values().sum();
        // acme: wishlist, recorder, mailer, failing; globex: wishlist.
        assert_eq!(
            total,
            4 * acme + globex,
            "one delivery per event and subscriber: {:?}",
            self.deliveries
        );
        assert_eq!(
            self.deliveries_of("wishlist", "delivered"),
            acme + globex,
            "{:?}",
            self.deliveries
        );
        assert_eq!(
            self.deliveries_of("recorder", "delivered"),
            acme,
            "{:?}",
            self.deliveries
        );
        assert_eq!(
            self.deliveries_of("mailer", "delivered"),
            acme,
            "{:?}",
            self.deliveries
        );
        assert_eq!(
            self.deliveries_of("failing", "dead"),
            acme,
            "the trapping subscriber's are dead letters: {:?}",
            self.deliveries
        );
        assert_eq!(
            (self.recorded, self.recorded_distinct),
            (acme, acme),
            "the recorder took effect once per event"
        );
        let mailer: i64 = self
            .mail
            .iter()
            .filter(|((m, _), _)| m == "mailer")
            .map(|(_, n)| n)
            .sum();
        assert_eq!(
            mailer,
            2 * acme,
            "the mailer queued two emails per event: {:?}",
            self.mail
        );
        let unsent: Vec<_> = self
            .mail
            .iter()
            .filter(|((_, state), _)| state != "sent" && state != "suppressed")
            .collect();
        assert!(unsent.is_empty(), "every email was sent: {unsent:?}");
    }
}

async fn unexpected_dead(host: &SoakHost) -> Vec<(String, String)> {
    let sql = "SELECT module, last_error FROM modgate_deliveries WHERE state = 'dead' AND module <> 'failing'";
    host.rows(sql)
        .await
        .iter()
        .map(|row| {
            let module: String = row.try_get("", "module").expect("module");
            let error: Option<String> = row.try_get("", "last_error").expect("last_error");
            (module, error.unwrap_or_default())
        })
        .collect()
}

async fn grouped(host: &SoakHost, table: &str) -> BTreeMap<(String, String), i64> {
    let sql = format!("SELECT module, state, count(*) AS n FROM {table} GROUP BY module, state");
    host.rows(&sql)
        .await
        .iter()
        .map(|row| {
            let module: String = row.try_get("", "module").expect("module");
            let state: String = row.try_get("", "state").expect("state");
            let n: i64 = row.try_get("", "n").expect("n");
            ((module, state), n)
        })
        .collect()
}
