//! The depth limit, measured the way a schema-loading client needs: the fields of the data
//! count toward `limits.query_depth`, and the introspection below `__schema` and `__type`
//! toward `limits.introspection_depth`. async-graphql's own limit counts both together, so the
//! standard introspection query (GraphiQL's, Apollo's, graphql-codegen's: fifteen levels of
//! `ofType`, `fields` and `args`) was refused as "nested too deep".
//!
//! With introspection switched off, any `__schema` or `__type` is refused here.
//!
//! Measured on the parsed document before validation; fragments are measured once each, so a
//! document of fragments spread many times costs its size, not the size of its expansion.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult, Variables};

pub struct DepthLimit {
    pub data: usize,
    pub introspection: usize,
    /// False when configuration switched introspection off: `__schema` and `__type` are then
    /// refused with an error rather than answered with null.
    pub introspection_allowed: bool,
}

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthCheck {
            data: self.data,
            introspection: if self.introspection_allowed {
                Some(self.introspection)
            } else {
                None
            },
        })
    }
}

struct DepthCheck {
    data: usize,
    introspection: Option<usize>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for DepthCheck {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let depth = depth_of(&document);
        if depth.data > self.data {
            return Err(ServerError::new(
                format!(
                    "the query is nested too deep: {} levels, at most {} (limits.query_depth)",
                    depth.data, self.data
                ),
                None,
            ));
        }
        match self.introspection {
            None if depth.introspection > 0 => {
                return Err(ServerError::new(
                    "introspection is switched off on this server",
                    None,
                ));
            }
            Some(max) if depth.introspection > max => {
                return Err(ServerError::new(
                    format!(
                        "the introspection query is nested too deep: {} levels, at most {max} (limits.introspection_depth)",
                        depth.introspection
                    ),
                    None,
                ));
            }
            _ => {}
        }
        Ok(document)
    }
}

#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Depth {
    pub data: usize,
    pub introspection: usize,
}

impl Depth {
    fn max(self, other: Depth) -> Depth {
        Depth {
            data: self.data.max(other.data),
            introspection: self.introspection.max(other.introspection),
        }
    }
}

pub fn depth_of(document: &ExecutableDocument) -> Depth {
    let mut walk = Walk {
        document,
        measured: HashMap::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, op)| walk.selection_set(&op.node.selection_set, false))
        .fold(Depth::default(), Depth::max)
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    /// Each fragment's depth, in data and in introspection mode; `None` while it is being
    /// measured (a cycle, which validation refuses afterwards, counts for nothing).
    measured: HashMap<(&'a str, bool), Option<Depth>>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>, introspecting: bool) -> Depth {
        set.node
            .items
            .iter()
            .map(|item| self.selection(&item.node, introspecting))
            .fold(Depth::default(), Depth::max)
    }

    fn selection(&mut self, selection: &'a Selection, introspecting: bool) -> Depth {
        match selection {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                let entering = !introspecting && matches!(name, "__schema" | "__type");
                let inside = introspecting || entering;
                let below = self.selection_set(&field.node.selection_set, inside);
                if inside {
                    Depth {
                        data: below.data,
                        introspection: below.introspection + 1,
                    }
                } else {
                    Depth {
                        data: below.data + 1,
                        introspection: below.introspection,
                    }
                }
            }
            Selection::InlineFragment(fragment) => {
                self.selection_set(&fragment.node.selection_set, introspecting)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                let key = (name, introspecting);
                match self.measured.get(&key) {
                    Some(Some(depth)) => return *depth,
                    Some(None) => return Depth::default(),
                    None => {}
                }
                let Some(fragment) = self.document.fragments.get(name) else {
                    return Depth::default();
                };
                self.measured.insert(key, None);
                let depth = self.selection_set(&fragment.node.selection_set, introspecting);
                self.measured.insert(key, Some(depth));
                depth
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn depth(query: &str) -> Depth {
        depth_of(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn data_fields_count_and_introspection_counts_apart() {
        assert_eq!(
            depth("{ a { b { c } } }"),
            Depth {
                data: 3,
                introspection: 0
            }
        );
        assert_eq!(
            depth("{ __schema { types { fields { name } } } a }"),
            Depth {
                data: 1,
                introspection: 4
            }
        );
        assert_eq!(depth("{ a { __typename } }").data, 2);
    }

    #[test]
    fn the_standard_introspection_query_is_fifteen_levels_deep() {
        let standard = include_str!("../../tests/fixtures/introspection-query.graphql");
        assert_eq!(depth(standard).introspection, 15);
        let full = include_str!("../../tests/fixtures/introspection-query-full.graphql");
        assert_eq!(depth(full).introspection, 15);
    }

    #[test]
    fn fragments_count_where_they_are_spread_and_cycles_count_for_nothing() {
        let d = depth("query { a { ...F } } fragment F on T { b { c } }");
        assert_eq!(d.data, 3);
        let d = depth("query { a { ...F } } fragment F on T { b { ...F } }");
        assert_eq!(d.data, 2);
    }
}
