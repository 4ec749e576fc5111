//! The service's clock. Years, 31 December, reply-by moments and deadlines all depend on
//! today's date; tests set the clock instead of sleeping or hoping the calendar cooperates.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, SubsecRound, Utc};

/// The system's time, unless set.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    /// Now, to the microsecond: what PostgreSQL keeps, so that a time read back (in a cursor,
    /// say) equals the one written on both databases.
    pub fn now(&self) -> DateTime<Utc> {
        let fixed = self.fixed.read().map(|f| *f).unwrap_or(None);
        fixed.unwrap_or_else(Utc::now).trunc_subsecs(6)
    }

    /// Sets the time every later `now` answers (tests); `None` goes back to the system's.
    pub fn set(&self, at: Option<DateTime<Utc>>) {
        if let Ok(mut fixed) = self.fixed.write() {
            *fixed = at;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_set_clock_answers_its_time_until_released() {
        let clock = Clock::default();
        let at: DateTime<Utc> = "2025-12-31T23:59:59Z".parse().unwrap();
        clock.set(Some(at));
        assert_eq!(clock.now(), at);
        assert_eq!(clock.clone().now(), at, "clones share the time");
        clock.set(None);
        assert!(clock.now() > at);
    }
}
