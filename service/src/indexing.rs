//! Keeps the search index in step with the database. The database is the source of truth;
//! the index is a projection that follows the outbox and commits the outbox position with
//! every index commit, so that a crash replays changes and never skips one.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use commons_indexer::{IndexHome, LangText, Thesaurus, ToolDocument, ToolIndex, Variant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::{ServiceError, ServiceResult};
use commons_domain::tool::{Lifecycle, Revision, Tool};
use commons_store::Database;

/// How the follower paces itself.
#[derive(Clone, Debug)]
pub struct FollowerSettings {
    /// Another replica's changes are noticed at the latest after this long.
    pub poll_interval: Duration,
    /// Changes are committed to the index at most this often (0: at once). Batching saves
    /// segments under heavy writing.
    pub commit_interval: Duration,
}

/// The search index of this process: the active generation, swappable while searches run.
pub struct SearchIndex {
    home: IndexHome,
    active: RwLock<Arc<ToolIndex>>,
    db: Database,
    /// Woken after every committed change.
    changes: Arc<Notify>,
    /// The concept table searches widen words with; followed like the index.
    thesaurus: RwLock<Arc<Thesaurus>>,
    /// A swapped-in generation this process could not open yet, so as to say it once.
    pending_swap: std::sync::Mutex<Option<std::path::PathBuf>>,
}

/// Where the index stands against the outbox.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Every outbox row up to this id is in the index.
    pub position: i64,
    /// Every outbox row up to this id has been pruned.
    pub pruned_through: i64,
    /// Rows not yet in the index.
    pub lag: u64,
}

/// The outbox subject of an edit of the concept table.
pub const SYNONYMS_SUBJECT: &str = "search_synonyms";

fn index_error(e: commons_indexer::IndexError) -> ServiceError {
    ServiceError::Index(e.to_string())
}

/// Runs index work, which is CPU and disk bound, off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, commons_indexer::IndexError> + Send + 'static,
) -> ServiceResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Index(format!("index task failed: {e}")))?
        .map_err(index_error)
}

impl SearchIndex {
    /// Opens the index under `root`; one that is missing, unreadable or of another schema is
    /// rebuilt from the database before this returns.
    pub async fn open(
        root: std::path::PathBuf,
        db: Database,
        changes: Arc<Notify>,
    ) -> ServiceResult<Self> {
        let home_root = root.clone();
        let opened = blocking(move || IndexHome::new(home_root).open()).await?;
        let index = Arc::new(opened.index);
        let this = Self {
            home: IndexHome::new(root),
            active: RwLock::new(index.clone()),
            db,
            changes,
            thesaurus: RwLock::new(Arc::new(Thesaurus::default())),
            pending_swap: std::sync::Mutex::new(None),
        };
        this.reload_thesaurus().await?;
        if let Some(why) = opened.rebuilt_because {
            tracing::warn!(reason = %why, "building the search index from the database");
            this.fill(&index).await?;
        } else {
            let opened = index.clone();
            let cursor = blocking(move || opened.cursor()).await?.unwrap_or(0);
            if this.missed_pruned_rows(cursor).await? {
                this.rebuild().await?;
            }
        }
        Ok(this)
    }

    pub fn current(&self) -> Arc<ToolIndex> {
        match self.active.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_current(&self, index: Arc<ToolIndex>) {
        match self.active.write() {
            Ok(mut guard) => *guard = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }

    pub fn thesaurus(&self) -> Arc<Thesaurus> {
        match self.thesaurus.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the concept table in force from the database (the shipped one until an edit).
    pub async fn reload_thesaurus(&self) -> ServiceResult<()> {
        let concepts: Vec<commons_indexer::Concept> =
            match commons_store::search_synonyms::current(&self.db).await? {
                None => Thesaurus::shipped(),
                Some(concepts) => concepts
                    .into_iter()
                    .map(|c| commons_indexer::Concept {
                        name: c.name,
                        terms: c.terms.into_iter().collect(),
                    })
                    .collect(),
            };
        let thesaurus = Arc::new(Thesaurus::new(concepts));
        match self.thesaurus.write() {
            Ok(mut guard) => *guard = thesaurus,
            Err(poisoned) => *poisoned.into_inner() = thesaurus,
        }
        Ok(())
    }

    pub fn changes(&self) -> Arc<Notify> {
        self.changes.clone()
    }

    /// Outbox rows not yet in the index (counting those pruned before this index read them).
    pub async fn lag(&self) -> ServiceResult<u64> {
        Ok(self.progress().await?.lag)
    }

    /// How far this index has read the outbox, and how far the outbox was pruned.
    pub async fn progress(&self) -> ServiceResult<Progress> {
        let index = self.current();
        let position = blocking(move || index.cursor()).await?.unwrap_or(0);
        let pruned_through = commons_store::outbox::horizon(&self.db).await?;
        let pruned_unread = u64::try_from(pruned_through - position).unwrap_or(0);
        let lag = commons_store::outbox::count_after(&self.db, position.max(pruned_through))
            .await?
            + pruned_unread;
        Ok(Progress {
            position,
            pruned_through,
            lag,
        })
    }

    /// True when the outbox was pruned past `cursor` (this replica was away longer than the
    /// retention): following it would miss changes, so the index is rebuilt instead.
    async fn missed_pruned_rows(&self, cursor: i64) -> ServiceResult<bool> {
        let horizon = commons_store::outbox::horizon(&self.db).await?;
        if cursor < horizon {
            tracing::warn!(
                cursor,
                horizon,
                "the outbox was pruned past this index's position; rebuilding the index"
            );
        }
        Ok(cursor < horizon)
    }

    /// Fills an empty index with every tool, committed with the outbox position read before
    /// the walk began: changes made during the walk are replayed after it.
    async fn fill(&self, index: &Arc<ToolIndex>) -> ServiceResult<u64> {
        let started = Instant::now();
        // Past the pruned rows even when the outbox is empty, so as not to look behind.
        let cursor = commons_store::outbox::last_id(&self.db)
            .await?
            .max(commons_store::outbox::horizon(&self.db).await?);
        let mut after = 0;
        let mut tools = 0u64;
        loop {
            let ids = commons_store::tools::ids_after(&self.db, after, 500).await?;
            let Some(&last) = ids.last() else {
                break;
            };
            after = last;
            let batch = documents_of(&self.db, &ids).await?;
            tools += ids.len() as u64;
            let index = index.clone();
            blocking(move || {
                for (id, docs) in batch {
                    index.replace(id as u64, &docs)?;
                }
                Ok(())
            })
            .await?;
        }
        let committing = index.clone();
        blocking(move || committing.commit(cursor)).await?;
        tracing::info!(
            tools,
            seconds = started.elapsed().as_secs_f64(),
            "search index built"
        );
        Ok(tools)
    }

    /// Builds a new generation from the database and swaps it in; searches carry on against
    /// the old one until the swap.
    pub async fn rebuild(&self) -> ServiceResult<u64> {
        let home_root = self.home.root().to_owned();
        let fresh = Arc::new(blocking(move || IndexHome::new(home_root).new_generation()).await?);
        let tools = self.fill(&fresh).await?;
        let compacted = fresh.clone();
        if let Err(e) = blocking(move || compacted.compact()).await {
            // Searches on more segments cost more, but find the same.
            tracing::warn!(error = %e, "the rebuilt search index was not compacted");
        }
        let dir = fresh.dir().to_owned();
        let home_root = self.home.root().to_owned();
        blocking(move || IndexHome::new(home_root).activate(&dir)).await?;
        self.set_current(fresh);
        Ok(tools)
    }

    /// Applies outbox rows to the index until cancelled.
    pub async fn follow(self: Arc<Self>, settings: FollowerSettings, shutdown: CancellationToken) {
        let mut staged_since: Option<Instant> = None;
        let mut position: Option<i64> = None;
        loop {
            let wait = match staged_since {
                Some(t) => settings
                    .commit_interval
                    .saturating_sub(t.elapsed())
                    .min(settings.poll_interval),
                None => settings.poll_interval,
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.changes.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            match self.step(&settings, &mut staged_since, &mut position).await {
                Ok(()) => {}
                Err(e) => {
                    tracing::error!(error = %e, "the search index follower failed; retrying");
                    position = None;
                    staged_since = None;
                    let index = self.current();
                    let _ = blocking(move || index.rollback()).await;
                    tokio::time::sleep(settings.poll_interval).await;
                }
            }
        }
        if staged_since.is_some()
            && let Some(cursor) = position
        {
            let index = self.current();
            if let Err(e) = blocking(move || index.commit(cursor)).await {
                tracing::error!(error = %e, "cannot commit the search index at shutdown");
            }
        }
    }

    async fn step(
        &self,
        settings: &FollowerSettings,
        staged_since: &mut Option<Instant>,
        position: &mut Option<i64>,
    ) -> ServiceResult<()> {
        // Another process may have swapped in a rebuilt generation.
        let index = self.current();
        if let Some(active) = self.home.active()
            && active != index.dir()
        {
            // Only a complete, committed generation replaces the one searches read; until it
            // opens, searches go on against the old one.
            let root = self.home.root().to_owned();
            let dir = active.clone();
            match blocking(move || IndexHome::new(root).open_generation(&dir)).await {
                Ok(opened) => {
                    tracing::info!(generation = %active.display(), "a rebuilt search index was swapped in");
                    self.set_current(Arc::new(opened));
                    *position = None;
                    *staged_since = None;
                    if let Ok(mut pending) = self.pending_swap.lock() {
                        *pending = None;
                    }
                    return Ok(());
                }
                Err(e) => {
                    if let Ok(mut pending) = self.pending_swap.lock()
                        && pending.as_ref() != Some(&active)
                    {
                        tracing::info!(generation = %active.display(), reason = %e, "a rebuilt search index cannot be opened yet; searches go on against the one in use");
                        *pending = Some(active);
                    }
                }
            }
        }
        let cursor = match position {
            Some(p) => *p,
            None => {
                let index = index.clone();
                blocking(move || index.cursor()).await?.unwrap_or(0)
            }
        };
        if self.missed_pruned_rows(cursor).await? {
            // Searches go on against the old generation while the new one is built.
            self.rebuild().await?;
            *position = None;
            *staged_since = None;
            return Ok(());
        }
        let rows = commons_store::outbox::after(&self.db, cursor, 1000).await?;
        if let Some(last) = rows.last() {
            let mut tools = BTreeSet::new();
            let mut thesaurus_changed = false;
            for row in &rows {
                match row.entity_type.as_str() {
                    SYNONYMS_SUBJECT => thesaurus_changed = true,
                    "tool" => {
                        tools.insert(row.entity_id);
                    }
                    // An organisation's name is in its tools' documents.
                    "organisation" => tools
                        .extend(commons_store::tools::ids_of_owner(&self.db, row.entity_id).await?),
                    _ => {}
                }
            }
            if thesaurus_changed {
                self.reload_thesaurus().await?;
            }
            let ids: Vec<i64> = tools.into_iter().collect();
            let batch = documents_of(&self.db, &ids).await?;
            let staging = index.clone();
            blocking(move || {
                for (id, docs) in batch {
                    staging.replace(id as u64, &docs)?;
                }
                Ok(())
            })
            .await?;
            *position = Some(last.id);
            staged_since.get_or_insert_with(Instant::now);
            if rows.len() == 1000 {
                // More are waiting: come back at once.
                self.changes.notify_one();
            }
        }
        if let (Some(since), Some(cursor)) = (*staged_since, *position)
            && since.elapsed() >= settings.commit_interval
        {
            blocking(move || index.commit(cursor)).await?;
            *staged_since = None;
        }
        Ok(())
    }
}

/// The documents of each tool as it now stands: its latest revision, and its published one
/// while it is live. A tool that no longer exists gets none, which deletes it from the index.
async fn documents_of(db: &Database, ids: &[i64]) -> ServiceResult<Vec<(i64, Vec<ToolDocument>)>> {
    let tools = commons_store::tools::find_many(db, ids).await?;
    let mut keys = Vec::new();
    for t in &tools {
        keys.push((t.id, t.latest_revision));
        if let Some(p) = t.published_revision
            && p != t.latest_revision
        {
            keys.push((t.id, p));
        }
    }
    let revisions = commons_store::tools::revisions(db, &keys).await?;
    let revision_ids: Vec<i64> = revisions.iter().map(|r| r.id).collect();
    let attachment_texts =
        commons_store::attachments::texts_of_revisions(db, &revision_ids).await?;
    let owner_ids: Vec<i64> = tools
        .iter()
        .map(|t| t.owner_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let owners = commons_store::organisations::find_by_ids(db, &owner_ids).await?;
    let adoptions = commons_store::adoptions::live_counts(db, ids).await?;
    let mut out: Vec<(i64, Vec<ToolDocument>)> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for t in &tools {
        let owner_name = owners
            .iter()
            .find(|o| o.id == t.owner_id)
            .map(|o| {
                o.names
                    .iter()
                    .map(|(_, n)| n)
                    .collect::<Vec<_>>()
                    .join(" / ")
            })
            .unwrap_or_default();
        let find = |n: i32| {
            revisions
                .iter()
                .find(|r| r.tool_id == t.id && r.number == n)
        };
        let texts = |r: &Revision| attachment_texts.get(&r.id).cloned().unwrap_or_default();
        let docs = indexed_revisions(t)
            .into_iter()
            .filter_map(|(number, variant)| {
                find(number)
                    .map(|r| document(t, r, variant, &owner_name, texts(r)).adopted(&adoptions))
            })
            .collect();
        if let Some(slot) = out.iter_mut().find(|(id, _)| *id == t.id) {
            slot.1 = docs;
        }
    }
    Ok(out)
}

/// Which revisions of a tool the index holds, and as what: its latest, and its published one
/// while it is live. The latest is most often the live published one: then one document
/// serves both, so that a search reads each tool's words once.
fn indexed_revisions(t: &Tool) -> Vec<(i32, Variant)> {
    let live = t.lifecycle != Lifecycle::Withdrawn;
    match t.published_revision {
        Some(p) if live && p == t.latest_revision => vec![(p, Variant::LatestPublished)],
        Some(p) if live => vec![
            (t.latest_revision, Variant::Latest),
            (p, Variant::Published),
        ],
        _ => vec![(t.latest_revision, Variant::Latest)],
    }
}

/// The live adoptions of each tool, as the index carries them for `MOST_ADOPTED`.
trait Adopted {
    fn adopted(self, counts: &std::collections::HashMap<i64, u64>) -> Self;
}

impl Adopted for ToolDocument {
    fn adopted(mut self, counts: &std::collections::HashMap<i64, u64>) -> Self {
        self.adoptions = counts
            .get(&i64::try_from(self.tool_id).unwrap_or_default())
            .copied()
            .unwrap_or(0);
        self
    }
}

fn document(
    t: &Tool,
    r: &Revision,
    variant: Variant,
    owner_name: &str,
    attachments: Vec<commons_domain::attachment::AttachmentText>,
) -> ToolDocument {
    let c = &r.content;
    ToolDocument {
        tool_id: t.id as u64,
        variant,
        owner_id: t.owner_id as u64,
        owner_name: owner_name.to_owned(),
        kind: c.kind.as_str().to_owned(),
        categories: c.categories.iter().map(|x| x.as_str().to_owned()).collect(),
        audiences: c.audiences.iter().map(|x| x.as_str().to_owned()).collect(),
        texts: c
            .translations
            .iter()
            .map(|tr| LangText {
                lang: tr.lang,
                title: tr.title.clone(),
                summary: tr.summary.clone(),
                body: tr.body.clone(),
            })
            .collect(),
        tags: c.tags.clone(),
        attachments: attachments
            .into_iter()
            .map(|a| commons_indexer::AttachmentText {
                attachment_id: a.attachment_id as u64,
                lang: a.lang,
                text: a.text,
            })
            .collect(),
        latest_visibility: t.latest_visibility.as_str().to_owned(),
        published_visibility: t.published_visibility.map(|v| v.as_str().to_owned()),
        lifecycle: t.lifecycle.as_str().to_owned(),
        updated_at: r.published_at.unwrap_or(r.created_at).timestamp(),
        adoptions: 0,
        reviewed_at: t
            .reviewed_at
            .filter(|_| t.published_revision.is_some() && t.lifecycle == Lifecycle::Active)
            .map_or(commons_indexer::NEVER_DUE, |at| at.timestamp()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeSet;

    use commons_domain::lang::Lang;

    use super::*;
    use crate::search::index_scope;
    use commons_domain::identity::{Actor, Role};
    use commons_domain::organisation::OrganisationKind;
    use commons_domain::policy::{Shown, ToolScope};
    use commons_domain::tool::{
        Licence, QualityDocumentation, RevisionStatus, ToolContent, ToolKind, ToolStatus,
        Translation, Visibility,
    };

    const OWNER: i64 = 10;
    const OTHER: i64 = 20;

    fn revision(tool_id: i64, number: i32, title: &str) -> Revision {
        Revision {
            id: tool_id * 10 + i64::from(number),
            tool_id,
            number,
            status: RevisionStatus::Draft,
            author_id: 1,
            created_at: chrono::DateTime::UNIX_EPOCH,
            submitted_at: None,
            published_at: None,
            content: ToolContent {
                kind: ToolKind::Guide,
                categories: BTreeSet::new(),
                translations: vec![Translation {
                    lang: Lang::Fr,
                    title: title.into(),
                    summary: String::new(),
                    body: String::new(),
                }],
                audiences: BTreeSet::new(),
                sectors: vec![],
                delivery_modes: BTreeSet::new(),
                delivery_formats: BTreeSet::new(),
                scopes: BTreeSet::new(),
                duration: None,
                cost_eur: None,
                quality: QualityDocumentation::default(),
                licence: Licence::OnRequest,
                contact: None,
                tags: vec![],
                visibility: Visibility::Public,
            },
        }
    }

    /// Every state a tool can be in, as far as visibility goes.
    fn every_tool() -> Vec<Tool> {
        let mut tools = Vec::new();
        let mut id = 0;
        for lifecycle in [Lifecycle::Active, Lifecycle::Archived, Lifecycle::Withdrawn] {
            for latest_visibility in [
                Visibility::Public,
                Visibility::Network,
                Visibility::Organisation,
            ] {
                for published_visibility in
                    [None, Some(Visibility::Public), Some(Visibility::Network)]
                {
                    // A published tool's latest revision is a newer draft, or the published
                    // one itself (then of the same visibility).
                    let latest_published = published_visibility == Some(latest_visibility);
                    for (latest_revision, latest_status) in [(2, RevisionStatus::Draft)]
                        .into_iter()
                        .chain(latest_published.then_some((1, RevisionStatus::Published)))
                    {
                        for owner_id in [OWNER, OTHER] {
                            id += 1;
                            tools.push(Tool {
                                id,
                                owner_id,
                                created_at: chrono::DateTime::UNIX_EPOCH,
                                updated_at: chrono::DateTime::UNIX_EPOCH,
                                lifecycle,
                                status: ToolStatus::Draft,
                                latest_revision,
                                latest_status,
                                latest_visibility,
                                published_revision: published_visibility.map(|_| 1),
                                published_visibility,
                                submitted_at: None,
                                reviewed_at: published_visibility
                                    .map(|_| chrono::DateTime::UNIX_EPOCH),
                            });
                        }
                    }
                }
            }
        }
        tools
    }

    fn actor(kind: OrganisationKind, org: i64, role: Role) -> Actor {
        Actor {
            user_id: 1,
            organisation_id: org,
            organisation_kind: kind,
            roles: BTreeSet::from([role]),
        }
    }

    /// The index's filter and the policy agree on which revision of each tool every caller
    /// sees, over every combination of lifecycle, visibilities and ownership.
    #[test]
    fn the_index_shows_each_caller_what_the_policy_shows() {
        let dir = tempfile::tempdir().unwrap();
        let index = IndexHome::new(dir.path()).open().unwrap().index;
        let tools = every_tool();
        for t in &tools {
            let docs: Vec<ToolDocument> = indexed_revisions(t)
                .into_iter()
                .map(|(number, variant)| {
                    let r = revision(t.id, number, &format!("r{number}"));
                    document(t, &r, variant, "Owner", Vec::new())
                })
                .collect();
            index.replace(t.id as u64, &docs).unwrap();
        }
        index.commit(1).unwrap();
        let callers = [
            None,
            Some(actor(OrganisationKind::Caisse, OWNER, Role::Staff)),
            Some(actor(OrganisationKind::Partner, 30, Role::Staff)),
            Some(actor(OrganisationKind::Inasti, 1, Role::Moderator)),
        ];
        for caller in &callers {
            let scope = ToolScope::of(caller.as_ref());
            let expected: BTreeSet<(u64, String)> = tools
                .iter()
                .filter_map(|t| {
                    let number = match scope.shown(t)? {
                        Shown::Latest => t.latest_revision,
                        Shown::Published => t.published_revision?,
                    };
                    Some((t.id as u64, format!("r{number}")))
                })
                .collect();
            let request = commons_indexer::SearchRequest {
                limit: 1000,
                scope: index_scope(caller.as_ref()),
                ..Default::default()
            };
            let found = index.search(&request).unwrap();
            let got: BTreeSet<(u64, String)> = found
                .hits
                .iter()
                .map(|h| (h.tool_id, h.title_html.clone()))
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(got, expected, "caller {caller:?}");
            assert_eq!(
                found.total,
                expected.len(),
                "each tool at most once for {caller:?}"
            );
        }
    }
}
