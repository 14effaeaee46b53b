//! What users see: request outcomes per second, DNS and writer change points, and the
//! violations that are watched continuously (E6001, E6002).

use super::{Ev, Run};
use crate::simulate::violations as v;
use crate::simulate::ChangePoint;

impl Run<'_> {
    /// After each event: DNS and writer change points, and the continuous checks.
    pub(super) fn observe(&mut self) {
        let answer = self.w.answer();
        let label = answer
            .and_then(|i| self.w.records.get(i))
            .map_or("none", |r| r.region.as_str());
        if self.dns.last().map(|c| c.value.as_str()) != Some(label) {
            let label = label.to_string();
            // The client resolved before the outage; afterwards it is the worst-placed client:
            // it resolved the second before each change and keeps the old answer one TTL.
            if self.dns.is_empty() {
                self.client_sees(answer);
            } else {
                let at = self.now + self.w.ttl();
                self.at(at, Ev::ClientSees { answer });
            }
            self.dns.push(ChangePoint {
                t: self.now,
                value: label,
            });
        }
        let writer = match (&self.w.promoting, &self.w.writer) {
            (Some(_), _) => "promoting",
            (None, Some(w)) => w.as_str(),
            (None, None) => "none",
        };
        if self.writer.last().map(|c| c.value.as_str()) != Some(writer) {
            let value = writer.to_string();
            self.writer.push(ChangePoint { t: self.now, value });
        }
        let Some(i) = answer else { return };
        let Some(rec) = self.w.records.get(i) else {
            return;
        };
        let read_only = self.w.serves(&rec.region)
            && self.w.has_database(&rec.region)
            && !self.w.writable(&rec.region)
            && self.split_brain.as_deref() != Some(rec.region.as_str());
        let dead = self.failover_done.is_some() && !self.w.serves(&rec.region);
        if !dead && !read_only && self.read_only_since.is_none() {
            // The common case, every event of a quiet hour: nothing to watch.
            return;
        }
        let rec = rec.clone();
        if dead {
            let m = format!("after the failover run succeeded the public name `{}` answers `{}`, which does not serve", rec.name, rec.region);
            self.violate(&v::DNS_DEAD_REGION, &rec.key, m);
        }
        match (read_only, self.read_only_since) {
            (true, None) => self.read_only_since = Some(self.now),
            (false, Some(_)) => {
                self.read_only_since = None;
                self.bypassed_since = None;
            }
            _ => {}
        }
        if let Some(since) = self.read_only_since {
            // Tolerated: a read-only window within the RTO objective while the writer cannot
            // serve anyway; one TTL from the moment a working writer elsewhere is bypassed
            // (the writer came back: Route 53 and the clients' caches need that long to follow).
            let ttl = self.w.ttl();
            let bypassed = self
                .w
                .writer
                .as_deref()
                .is_some_and(|w| w != rec.region && self.w.serves(w) && self.w.writable(w));
            self.bypassed_since = match (bypassed, self.bypassed_since) {
                (true, None) => Some(self.now),
                (true, s) => s,
                (false, _) => None,
            };
            let within_rto = since + self.objectives.rto_seconds.unwrap_or(ttl);
            let deadline = match self.bypassed_since {
                Some(b) => within_rto.min(b + ttl),
                None => within_rto,
            };
            let tolerance = deadline.saturating_sub(since);
            if self.now > deadline {
                let m = format!("the public name `{}` answers `{}` while its database rejects writes, from t={since} s for more than {tolerance} s", rec.name, rec.region);
                // The PRIMARY record's health check decides where traffic goes: it is what moved.
                let primary = self
                    .w
                    .records
                    .iter()
                    .find(|r| r.primary)
                    .map_or(rec.key.clone(), |r| r.key.clone());
                let before = self.now;
                self.now = since;
                self.violate(&v::DNS_READ_ONLY, &primary, m);
                self.now = before;
            } else {
                let due = deadline + 1;
                if self.reported.insert(format!("wake|{due}")) {
                    self.at(due, Ev::Wake);
                }
            }
        }
    }

    /// The client's cached answer becomes `answer`.
    pub(super) fn client_sees(&mut self, answer: Option<usize>) {
        if answer != self.client {
            let region = answer
                .and_then(|i| self.w.records.get(i))
                .map(|r| r.region.clone())
                .unwrap_or_default();
            self.log(
                "client",
                "client",
                format!("resolves the public name to `{region}`"),
                "",
            );
        }
        self.client = answer;
    }

    /// Counts the request outcome for every second in [from, to): state is constant between events.
    pub(super) fn account(&mut self, from: u64, to: u64) {
        let secs = to.saturating_sub(from);
        if secs == 0 {
            return;
        }
        let region = self
            .client
            .and_then(|i| self.w.records.get(i))
            .map(|r| r.region.clone());
        let outcome = match region {
            Some(ref r)
                if self.w.serves(r)
                    && (self.w.writable(r) || self.split_brain.as_deref() == Some(r.as_str())) =>
            {
                0
            }
            Some(ref r) if self.w.serves(r) && self.w.has_database(r) => 1,
            _ => 2,
        };
        match outcome {
            0 => {
                self.requests.served += secs;
                if self.first_failure.is_some() && self.recovered.is_none() {
                    self.recovered = Some(from);
                }
                if let Some(start) = self.interrupted.take() {
                    self.interruptions.push((start, from));
                }
                if let (Some(r), Some(sb)) = (&region, &self.split_brain) {
                    if r == sb {
                        self.split_brain_writes += secs;
                    }
                }
            }
            1 => self.requests.rejected += secs,
            _ => self.requests.errors += secs,
        }
        if outcome != 0 {
            // Recovery is the start of the last stretch of served writes: failing again undoes it.
            self.first_failure.get_or_insert(from);
            self.recovered = None;
            self.interrupted.get_or_insert(from);
        }
    }
}
