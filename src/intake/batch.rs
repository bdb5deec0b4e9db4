//! Badges on their way into the wallet together: understood one by one,
//! stored a batch at a time (see [`Wallet::insert_badges`]), and reported
//! in the order they were given.
//!
//! A batch is stored once it holds enough image bytes or badges to be
//! worth a commit, or once its first badge has waited long enough that a
//! learner watching the progress would notice. No transaction is open while
//! a badge is being understood, so the network I/O of one badge never holds
//! the wallet's write lock.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::badge::Ready;
use crate::outcome::ImportResult;
use crate::wallet::{NewBadge, Run, Wallet};

/// Image bytes that make a batch due.
const DUE_BYTES: usize = 16 * 1024 * 1024;
/// Badges that make a batch due.
pub(super) const DUE_BADGES: usize = 256;
/// How long the first badge of a batch waits at most before it is stored.
const DUE_AFTER: Duration = Duration::from_millis(500);

/// One input's place in the batch.
enum Waiting {
    /// Nothing to store: the input's result is known (it failed).
    Done(ImportResult),
    /// To be stored with the batch.
    Ready(Box<Ready>),
}

/// Inputs taken in but not yet reported, in input order.
#[derive(Default)]
pub(super) struct Batch {
    waiting: Vec<Waiting>,
    badges: usize,
    bytes: usize,
    since: Option<Instant>,
}

impl Batch {
    /// Adds an input whose result is already known.
    pub(super) fn done(&mut self, result: ImportResult) {
        self.since.get_or_insert_with(Instant::now);
        self.waiting.push(Waiting::Done(result));
    }

    /// Adds a badge to be stored.
    pub(super) fn ready(&mut self, ready: Ready) {
        self.since.get_or_insert_with(Instant::now);
        self.badges += 1;
        self.bytes += ready.badge.original.len();
        self.waiting.push(Waiting::Ready(Box::new(ready)));
    }

    /// Whether the batch should be stored now.
    pub(super) fn is_due(&self) -> bool {
        self.bytes >= DUE_BYTES
            || self.badges >= DUE_BADGES
            || self.since.is_some_and(|t| t.elapsed() >= DUE_AFTER)
    }

    /// Stores the batch's badges and gives every input's result, in order.
    pub(super) fn store(
        &mut self,
        wallet: &mut Wallet,
        run: &Run,
        now: DateTime<Utc>,
    ) -> Vec<ImportResult> {
        let waiting = std::mem::take(self).waiting;
        let badges: Vec<&NewBadge> = waiting
            .iter()
            .filter_map(|w| match w {
                Waiting::Ready(ready) => Some(&ready.badge),
                Waiting::Done(_) => None,
            })
            .collect();
        let stored = if badges.is_empty() {
            Ok(Vec::new())
        } else {
            let stored = wallet.insert_badges(&badges, now);
            run.written();
            stored
        };
        let mut each = stored.iter().flatten();
        waiting
            .into_iter()
            .map(|w| match w {
                Waiting::Done(result) => result,
                Waiting::Ready(ready) => match &stored {
                    Ok(_) => {
                        ready.result(each.next().expect("one result per badge").as_ref().copied())
                    }
                    Err(whole) => ready.result(Err(whole)),
                },
            })
            .collect()
    }
}
