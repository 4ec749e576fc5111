//! A TCP relay between a server and its database, which a test can cut or silence: the
//! database "lost" the way operators lose it (a restart, a network partition), while the real
//! PostgreSQL behind it goes on serving every other test.

use std::net::SocketAddr;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Bytes flow both ways.
    Open,
    /// Every connection is closed, and new ones are closed as soon as they arrive: a database
    /// that is down.
    Cut,
    /// Connections are held but nothing flows: a database (or a network) that went silent.
    Silent,
}

pub struct Relay {
    pub address: SocketAddr,
    link: watch::Sender<Link>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// Relays 127.0.0.1:<port> to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let address = listener.local_addr().expect("its address");
        let (link, _) = watch::channel(Link::Open);
        let links = link.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(carry(client, upstream, links.subscribe()));
            }
        });
        Self {
            address,
            link,
            accepting,
        }
    }

    pub fn set(&self, link: Link) {
        self.link.send_replace(link);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accepting.abort();
        // Closes every connection still carried.
        self.link.send_replace(Link::Cut);
    }
}

async fn carry(mut client: TcpStream, upstream: SocketAddr, mut link: watch::Receiver<Link>) {
    let now = *link.borrow_and_update();
    if now == Link::Open {
        let Ok(mut server) = TcpStream::connect(upstream).await else {
            return;
        };
        let changed = async {
            while link.changed().await.is_ok() {
                if *link.borrow() != Link::Open {
                    return;
                }
            }
        };
        tokio::select! {
            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => return,
            () = changed => {}
        }
        // Silence keeps the database's side open too, so that neither end hears of it.
        while *link.borrow() == Link::Silent {
            if link.changed().await.is_err() {
                break;
            }
        }
        let _ = server.shutdown().await;
    } else {
        while *link.borrow() == Link::Silent {
            if link.changed().await.is_err() {
                break;
            }
        }
    }
    // Dropping the client's socket closes it.
    let _ = client.shutdown().await;
}
