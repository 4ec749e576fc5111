//! Rate limits, as GitHub and Shopify do them: each caller (the token's subject, or the IP
//! address of an anonymous caller) has a budget of query cost per minute, and a smaller one of
//! mutations. Budgets are token buckets: they refill continuously, so a caller that spent its
//! minute gets room back second by second rather than at a cliff.
//!
//! The state is one map behind a mutex, bounded: buckets that have refilled are forgotten, so
//! it holds only callers that spent something recently, and at most `max_callers` of them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Who is counted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Caller {
    Subject(String),
    Address(IpAddr),
}

impl Caller {
    /// Whose budget a request spends: the signed-in person's wherever they call from, or the
    /// address of an anonymous caller.
    pub fn of(actor: Option<&commons_domain::identity::Actor>, address: IpAddr) -> Caller {
        match actor {
            Some(a) => Caller::Subject(format!("user:{}", a.user_id)),
            None => Caller::Address(address),
        }
    }
}

/// Which budget a charge draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Budget {
    /// Query cost: each operation's complexity.
    Queries,
    /// Mutations: each root field of a mutation, and each uploaded file.
    Mutations,
}

#[derive(Clone, Copy, Debug)]
pub struct RateLimits {
    pub query_cost_per_minute: u64,
    pub mutations_per_minute: u64,
    pub max_callers: usize,
    /// What a file route (a download, an export, a report) takes from the query budget.
    pub file_route_cost: u64,
}

/// What a charge found: whether it was allowed, and what is left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u64,
    pub remaining: u64,
    /// When the budget will be whole again, in seconds since the epoch.
    pub reset_at: u64,
    /// When refused: how long until the charge would be allowed.
    pub retry_after: Option<Duration>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    level: f64,
    at: Instant,
}

pub struct RateLimiter {
    limits: RateLimits,
    buckets: Mutex<HashMap<(Caller, Budget), Bucket>>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn file_route_cost(&self) -> u64 {
        self.limits.file_route_cost
    }

    fn capacity(&self, budget: Budget) -> f64 {
        match budget {
            Budget::Queries => self.limits.query_cost_per_minute as f64,
            Budget::Mutations => self.limits.mutations_per_minute as f64,
        }
    }

    /// Takes `cost` from the caller's budget if it holds that much; a refused charge takes
    /// nothing. A cost of 0 only reads the budget.
    pub fn charge(&self, caller: &Caller, budget: Budget, cost: u64, now: Instant) -> Verdict {
        let capacity = self.capacity(budget);
        let per_second = capacity / 60.0;
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            // A panic while holding the lock leaves plain numbers behind: still usable.
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= self.limits.max_callers {
            forget_refilled(&mut buckets, now, |b| self.capacity(b));
            if buckets.len() >= self.limits.max_callers {
                // Still full (many callers spending at once): forget a tenth of them, so that
                // the sweep above runs once per many new callers, not on each one.
                let forget: Vec<_> = buckets
                    .keys()
                    .take((self.limits.max_callers / 10).max(1))
                    .cloned()
                    .collect();
                for key in forget {
                    buckets.remove(&key);
                }
            }
        }
        let bucket = buckets.entry((caller.clone(), budget)).or_insert(Bucket {
            level: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.level = (bucket.level + elapsed * per_second).min(capacity);
        bucket.at = now;
        let cost = cost as f64;
        let allowed = bucket.level >= cost;
        if allowed {
            bucket.level -= cost;
        }
        let missing_to_full = capacity - bucket.level;
        let seconds_to_full = if per_second > 0.0 {
            missing_to_full / per_second
        } else {
            0.0
        };
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        Verdict {
            allowed,
            limit: capacity as u64,
            remaining: bucket.level.max(0.0).floor() as u64,
            reset_at: (epoch + seconds_to_full).ceil() as u64,
            retry_after: (!allowed).then(|| {
                let short = (cost - bucket.level).max(0.0);
                Duration::from_secs_f64((short / per_second.max(f64::MIN_POSITIVE)).ceil())
                    .max(Duration::from_secs(1))
            }),
        }
    }

    /// How many callers are remembered (for tests of the bound).
    pub fn remembered(&self) -> usize {
        self.buckets.lock().map_or(0, |b| b.len())
    }
}

fn forget_refilled(
    buckets: &mut HashMap<(Caller, Budget), Bucket>,
    now: Instant,
    capacity: impl Fn(Budget) -> f64,
) {
    buckets.retain(|(_, budget), bucket| {
        let capacity = capacity(*budget);
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.level + elapsed * capacity / 60.0 < capacity
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> RateLimiter {
        RateLimiter::new(RateLimits {
            query_cost_per_minute: 600,
            mutations_per_minute: 6,
            max_callers: 3,
            file_route_cost: 100,
        })
    }

    #[test]
    fn a_budget_is_spent_refused_and_refilled_with_time() {
        let limiter = limiter();
        let me = Caller::Subject("a".into());
        let t0 = Instant::now();
        let first = limiter.charge(&me, Budget::Queries, 500, t0);
        assert!(first.allowed);
        assert_eq!((first.limit, first.remaining), (600, 100));
        let refused = limiter.charge(&me, Budget::Queries, 200, t0);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 100, "a refused charge takes nothing");
        // 600 per minute is 10 per second: 100 more are back after 10 s.
        assert_eq!(refused.retry_after, Some(Duration::from_secs(10)));
        let later = limiter.charge(&me, Budget::Queries, 200, t0 + Duration::from_secs(10));
        assert!(later.allowed);
        assert_eq!(later.remaining, 0);
    }

    #[test]
    fn callers_and_budgets_are_counted_apart() {
        let limiter = limiter();
        let t0 = Instant::now();
        let a = Caller::Subject("a".into());
        let b = Caller::Address("127.0.0.1".parse().unwrap_or(IpAddr::from([127, 0, 0, 1])));
        assert!(limiter.charge(&a, Budget::Mutations, 6, t0).allowed);
        assert!(!limiter.charge(&a, Budget::Mutations, 1, t0).allowed);
        assert!(limiter.charge(&a, Budget::Queries, 1, t0).allowed);
        assert!(limiter.charge(&b, Budget::Mutations, 1, t0).allowed);
    }

    #[test]
    fn the_callers_remembered_are_bounded() {
        let limiter = limiter();
        let t0 = Instant::now();
        for i in 0..50 {
            limiter.charge(&Caller::Subject(format!("s{i}")), Budget::Queries, 10, t0);
        }
        assert!(limiter.remembered() <= 3);
    }
}
