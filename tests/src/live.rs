//! Helpers for `/graphql/ws`: a connection that speaks graphql-transport-ws, and its messages.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::TestApp;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A connection to `/graphql/ws` (not yet initialised).
pub async fn connect(app: &TestApp) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a WebSocket address");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("a WebSocket handshake");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

/// The next text message that is not a keep-alive ping, or the close frame's code.
pub async fn next_message(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .expect("the server answers within 30 s")
            .expect("the connection stays open")
            .expect("a readable frame");
        match message {
            Message::Text(t) => {
                let v: Value = serde_json::from_str(&t).expect("a JSON message");
                if v["type"] == "ping" {
                    socket
                        .send(Message::Text(r#"{"type":"pong"}"#.into()))
                        .await
                        .expect("a pong sent");
                    continue;
                }
                return Ok(v);
            }
            Message::Close(frame) => return Err(frame.map_or(0, |f| u16::from(f.code))),
            _ => continue,
        }
    }
}

/// A connection initialised with `token` and acknowledged.
pub async fn connect_as(app: &TestApp, token: &str) -> Socket {
    let mut socket = connect(app).await;
    socket
        .send(Message::Text(
            json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })
                .to_string()
                .into(),
        ))
        .await
        .expect("connection_init sent");
    let ack = next_message(&mut socket)
        .await
        .expect("an answer to connection_init");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

/// Sends one operation as `subscribe` with `id` and returns its first answer (`next` or `error`).
pub async fn operation(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Value {
    socket
        .send(Message::Text(
            json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } })
                .to_string()
                .into(),
        ))
        .await
        .expect("subscribe sent");
    loop {
        let message = next_message(socket)
            .await
            .expect("the connection stays open");
        if message["id"] == id && message["type"] != "complete" {
            return message;
        }
    }
}
