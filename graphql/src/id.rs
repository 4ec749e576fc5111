//! Opaque global IDs (`Organisation:42`, base64url) and pagination cursors. Clients must not
//! build them; the encoding may change.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::{ErrorCode, graphql_error};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    Organisation,
    User,
    Tool,
    CollaborationProposal,
    JointService,
    ResponsibilityTransfer,
    Attachment,
    ServiceOffering,
    ActivityReport,
    Review,
    Collection,
    Notification,
    ContentReport,
    ModerationDecision,
    Appeal,
    TranslationOffer,
    ProposalMessage,
    Evaluation,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            NodeType::Organisation => "Organisation",
            NodeType::User => "User",
            NodeType::Tool => "Tool",
            NodeType::CollaborationProposal => "CollaborationProposal",
            NodeType::JointService => "JointService",
            NodeType::ResponsibilityTransfer => "ResponsibilityTransfer",
            NodeType::Attachment => "Attachment",
            NodeType::ServiceOffering => "ServiceOffering",
            NodeType::ActivityReport => "ActivityReport",
            NodeType::Review => "Review",
            NodeType::Collection => "Collection",
            NodeType::Notification => "Notification",
            NodeType::ContentReport => "ContentReport",
            NodeType::ModerationDecision => "ModerationDecision",
            NodeType::Appeal => "Appeal",
            NodeType::TranslationOffer => "TranslationOffer",
            NodeType::ProposalMessage => "ProposalMessage",
            NodeType::Evaluation => "Evaluation",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            NodeType::Organisation,
            NodeType::User,
            NodeType::Tool,
            NodeType::CollaborationProposal,
            NodeType::JointService,
            NodeType::ResponsibilityTransfer,
            NodeType::Attachment,
            NodeType::ServiceOffering,
            NodeType::ActivityReport,
            NodeType::Review,
            NodeType::Collection,
            NodeType::Notification,
            NodeType::ContentReport,
            NodeType::ModerationDecision,
            NodeType::Appeal,
            NodeType::TranslationOffer,
            NodeType::ProposalMessage,
            NodeType::Evaluation,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

pub fn encode(node_type: NodeType, id: i64) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", node_type.name())))
}

/// Decodes any global ID; a malformed one is the caller's mistake.
pub fn decode(id: &str) -> async_graphql::Result<(NodeType, i64)> {
    let malformed = || {
        graphql_error(
            ErrorCode::BadUserInput,
            format!("{id} is not an ID of Commons"),
        )
    };
    let raw = URL_SAFE_NO_PAD.decode(id).map_err(|_| malformed())?;
    let text = String::from_utf8(raw).map_err(|_| malformed())?;
    let (name, number) = text.split_once(':').ok_or_else(malformed)?;
    let node_type = NodeType::from_name(name).ok_or_else(malformed)?;
    let number = number.parse::<i64>().map_err(|_| malformed())?;
    Ok((node_type, number))
}

/// Decodes an ID that must be of one type.
pub fn decode_as(expected: NodeType, id: &str) -> async_graphql::Result<i64> {
    match decode(id)? {
        (t, n) if t == expected => Ok(n),
        _ => Err(graphql_error(
            ErrorCode::BadUserInput,
            format!("{id} is not the ID of a {}", expected.name()),
        )),
    }
}

/// A cursor names the list it belongs to, so that one list's cursor is refused by another.
pub fn encode_cursor(list: &str, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{list}|{key}"))
}

pub fn decode_cursor(list: &str, cursor: &str) -> async_graphql::Result<String> {
    let bad = || {
        graphql_error(
            ErrorCode::BadUserInput,
            "after is not a cursor of this list",
        )
    };
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    match text.split_once('|') {
        Some((l, key)) if l == list => Ok(key.to_owned()),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_type() {
        let id = encode(NodeType::Organisation, 42);
        assert_eq!(decode(&id).ok(), Some((NodeType::Organisation, 42)));
        assert!(decode_as(NodeType::User, &id).is_err());
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in ["", "42", "T3JnYW5pc2F0aW9uOng", "!!!"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cursor_belongs_to_its_list() {
        let c = encode_cursor("organisations", "acerta");
        assert_eq!(
            decode_cursor("organisations", &c).ok(),
            Some("acerta".to_owned())
        );
        assert!(decode_cursor("tools", &c).is_err());
    }
}
