//! Verified identities, remembered briefly. Turning a token into an Actor reads the
//! organisation and the person from the database; a signed-in client sends the same token on
//! every request, so the answer is kept for `auth.identity_cache_seconds`, for at most
//! `auth.identity_cache_entries` tokens' worth of identities. The key is everything the token
//! says (organisation, subject, roles, name, e-mail): a token with other roles or another name is
//! another entry, never a stale one. A change to an organisation, seen in the outbox by any
//! replica, forgets everything at once; otherwise an entry lives its few seconds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use commons_domain::identity::{Actor, Identity};

/// Whatever a resolution writes from: a change in any (a verified address too) resolves anew.
type Key = (
    String,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
    bool,
);

pub struct IdentityCache {
    ttl: Duration,
    max_entries: usize,
    entries: Mutex<HashMap<Key, (Actor, Instant)>>,
}

fn key(identity: &Identity) -> Key {
    let mut roles = identity.roles.clone();
    roles.sort();
    (
        identity.organisation_slug.clone(),
        identity.subject.clone(),
        roles,
        identity.name.clone(),
        identity.email.clone(),
        identity.email_verified,
    )
}

impl IdentityCache {
    /// A cache with a time to live of zero remembers nothing.
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, identity: &Identity, now: Instant) -> Option<Actor> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        entries
            .get(&key(identity))
            .filter(|(_, at)| now.saturating_duration_since(*at) < self.ttl)
            .map(|(actor, _)| actor.clone())
    }

    pub fn put(&self, identity: &Identity, actor: &Actor, now: Instant) {
        if self.ttl.is_zero() || self.max_entries == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.max_entries {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| now.saturating_duration_since(*at) < ttl);
            // Still full of live entries: forget them all rather than pay a sweep per caller.
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(key(identity), (actor.clone(), now));
    }

    /// Forgets every identity: an organisation changed.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use commons_domain::identity::Role;
    use commons_domain::organisation::OrganisationKind;

    fn identity(sub: &str, roles: &[&str]) -> Identity {
        Identity {
            subject: sub.to_owned(),
            organisation_slug: "acerta".to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            name: None,
            email: None,
            email_verified: false,
        }
    }

    fn actor(user: i64) -> Actor {
        Actor {
            user_id: user,
            organisation_id: 1,
            organisation_kind: OrganisationKind::Caisse,
            roles: BTreeSet::from([Role::Staff]),
        }
    }

    #[test]
    fn an_identity_is_remembered_for_its_time_and_by_all_it_says() {
        let cache = IdentityCache::new(Duration::from_secs(30), 100);
        let t0 = Instant::now();
        let staff = identity("anne", &["STAFF"]);
        cache.put(&staff, &actor(7), t0);
        assert_eq!(
            cache
                .get(&staff, t0 + Duration::from_secs(29))
                .map(|a| a.user_id),
            Some(7)
        );
        assert!(
            cache.get(&staff, t0 + Duration::from_secs(30)).is_none(),
            "expired"
        );
        assert!(
            cache.get(&identity("anne", &["ORG_ADMIN"]), t0).is_none(),
            "other roles"
        );
        let renamed = Identity {
            name: Some("Anne B.".into()),
            ..staff.clone()
        };
        assert!(
            cache.get(&renamed, t0).is_none(),
            "another name is recorded anew"
        );
        cache.clear();
        assert!(cache.get(&staff, t0).is_none());
        let off = IdentityCache::new(Duration::ZERO, 100);
        off.put(&staff, &actor(7), t0);
        assert!(off.get(&staff, t0).is_none());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = IdentityCache::new(Duration::from_secs(30), 3);
        let t0 = Instant::now();
        for i in 0..10 {
            cache.put(&identity(&format!("p{i}"), &["STAFF"]), &actor(i), t0);
            assert!(cache.len() <= 3);
        }
        assert!(
            cache.get(&identity("p9", &["STAFF"]), t0).is_some(),
            "the newest is kept"
        );
    }
}
