//! `/graphql/ws`: GraphQL subscriptions over a WebSocket, in the graphql-transport-ws protocol
//! (and the older graphql-ws one). The caller's bearer token travels in `connection_init`'s
//! payload (`{"Authorization": "Bearer …"}` or `{"token": "…"}`); a missing one closes the
//! connection with 4401, a bad one with 4403. The server pings every
//! `notifications.websocket_ping_ms`; a connection silent for `websocket_idle_ms` is closed; at
//! most `websocket_connections` are open at once and each holds at most
//! `websocket_subscriptions` subscriptions; a message is at most `limits.body_bytes`.

use std::sync::Arc;

use async_graphql::http::{WebSocket as GraphQLWebSocket, WebSocketProtocols, WsMessage};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::Semaphore;

use crate::http::AppState;
use commons_graphql::{AppSchema, ErrorCode};
use commons_service as service;

const NO_TOKEN: &str = "4401:";
const BAD_TOKEN: &str = "4403:";

pub async fn graphql_ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let offered = headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let protocol = if offered
        .split(',')
        .any(|p| p.trim() == "graphql-transport-ws")
    {
        WebSocketProtocols::GraphQLWS
    } else if offered.split(',').any(|p| p.trim() == "graphql-ws") {
        WebSocketProtocols::SubscriptionsTransportWS
    } else {
        return commons_graphql::error::failure(
            ErrorCode::BadUserInput,
            "ask for the graphql-transport-ws subprotocol",
        );
    };
    let Ok(permit) = state.live.connections.clone().try_acquire_owned() else {
        return commons_graphql::error::failure(
            ErrorCode::Unavailable,
            "too many live connections; try again shortly",
        );
    };
    // A message is a GraphQL operation: it gets the body limit of `/graphql`, not the
    // WebSocket library's 64 MiB.
    let max = state.limits.body_bytes;
    upgrade
        .max_message_size(max)
        .max_frame_size(max)
        .protocols(["graphql-transport-ws", "graphql-ws"])
        .on_upgrade(move |socket| async move {
            run(socket, protocol, state).await;
            drop(permit);
        })
        .into_response()
}

async fn run(socket: WebSocket, protocol: WebSocketProtocols, state: AppState) {
    let (mut sink, stream) = socket.split();
    let limits = state.live.clone();
    let incoming = stream
        .take_while(|m| futures_util::future::ready(m.is_ok()))
        .filter_map(|m| {
            futures_util::future::ready(match m {
                Ok(Message::Text(t)) => Some(t.to_string()),
                _ => None,
            })
        });
    let services = state.services.clone();
    let verifier = state.verifier.clone();
    let limiter = state.limiter.clone();
    let schema: AppSchema = state.schema.clone();
    let outgoing = GraphQLWebSocket::new(schema, incoming, protocol)
        .keepalive_timeout(limits.idle)
        .on_connection_init(move |payload| {
            let (services, verifier) = (services.clone(), verifier.clone());
            let limiter = limiter.clone();
            async move { init(&services, &verifier, limiter, payload, limits.subscriptions).await }
        })
        .map(|m| match m {
            WsMessage::Text(t) => Message::Text(t.into()),
            WsMessage::Close(code, reason) => close(code, &reason),
        });
    // The connection lives as long as the protocol does: when the client goes, sends a message
    // too large or breaks the protocol, the stream ends, and so do the pings.
    let mut outgoing = std::pin::pin!(outgoing);
    let mut pings = tokio::time::interval(limits.ping);
    pings.tick().await;
    loop {
        let message = tokio::select! {
            next = outgoing.next() => match next {
                Some(message) => message,
                None => break,
            },
            _ = pings.tick() => match ping(protocol) {
                Some(ping) => ping,
                None => continue,
            },
        };
        let closing = matches!(message, Message::Close(_));
        if sink.send(message).await.is_err() || closing {
            break;
        }
    }
    let _ = sink.close().await;
}

/// The graphql-transport-ws keep-alive; the older protocol has its own `ka` message.
fn ping(protocol: WebSocketProtocols) -> Option<Message> {
    match protocol {
        WebSocketProtocols::GraphQLWS => Some(Message::Text(r#"{"type":"ping"}"#.into())),
        WebSocketProtocols::SubscriptionsTransportWS => {
            Some(Message::Text(r#"{"type":"ka"}"#.into()))
        }
    }
}

/// What the library closes an operation sent before `connection_init` with (1011).
const NOT_INITIALISED: &str = "The handshake is not completed.";

/// The library closes a refused `connection_init` with 1002; the reason says which of ours it
/// was. An operation sent before the connection is acknowledged is 4401 in graphql-transport-ws.
fn close(code: u16, reason: &str) -> Message {
    let (code, reason) = if let Some(r) = reason.strip_prefix(NO_TOKEN) {
        (4401, r)
    } else if reason == NOT_INITIALISED {
        (4401, "Unauthorized: send connection_init first")
    } else if let Some(r) = reason.strip_prefix(BAD_TOKEN) {
        (4403, r)
    } else {
        (code, reason)
    };
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.trim().to_owned().into(),
    }))
}

/// Reads the token from `connection_init`'s payload and gives the connection its caller.
async fn init(
    services: &service::Context,
    verifier: &crate::auth::Verifier,
    limiter: Option<Arc<commons_graphql::rate_limit::RateLimiter>>,
    payload: serde_json::Value,
    subscriptions: usize,
) -> async_graphql::Result<async_graphql::Data> {
    let header = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        });
    let Some(header) = header else {
        return Err(async_graphql::Error::new(format!(
            "{NO_TOKEN} send your bearer token in connection_init's payload"
        )));
    };
    let identity = verifier
        .verify_header(&header)
        .map_err(|e| async_graphql::Error::new(format!("{BAD_TOKEN} {e}")))?;
    let actor = service::identity::resolve_actor(services, &identity)
        .await
        .map_err(|e| async_graphql::Error::new(format!("{BAD_TOKEN} {e}")))?;
    let caller = commons_graphql::rate_limit::Caller::Subject(format!("user:{}", actor.user_id));
    let mut data = commons_graphql::connection_data(services, Some(actor));
    data.insert(commons_graphql::SubscriptionSlots(Arc::new(
        Semaphore::new(subscriptions),
    )));
    // Every operation sent over the connection passes the budget gate of `/graphql`: the
    // same caller, the same budgets.
    if let Some(limiter) = limiter {
        data.insert(Arc::new(commons_graphql::RequestBudget {
            limiter,
            caller,
            refused: std::sync::Mutex::new(None),
        }));
    }
    Ok(data)
}
