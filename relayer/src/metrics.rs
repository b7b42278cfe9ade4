//! Prometheus metrics, served as text on `GET /metrics` by a small HTTP responder (one request
//! per connection; nothing else is served).

use anyhow::Result;
use prometheus::{Encoder, IntCounterVec, Opts, Registry, TextEncoder};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A counter with labels, registered on `registry`.
pub fn counter(
	registry: &Registry,
	name: &str,
	help: &str,
	labels: &[&str],
) -> Result<IntCounterVec> {
	let counter = IntCounterVec::new(Opts::new(name, help), labels)?;
	registry.register(Box::new(counter.clone()))?;
	Ok(counter)
}

/// Serves `registry` on `address` until the process ends.
pub async fn serve(registry: Registry, address: SocketAddr) -> Result<()> {
	let listener = tokio::net::TcpListener::bind(address).await?;
	tracing::info!(%address, "serving Prometheus metrics on /metrics");
	loop {
		let (mut stream, _) = listener.accept().await?;
		let registry = registry.clone();
		tokio::spawn(async move {
			let mut request = [0u8; 1024];
			let read = stream.read(&mut request).await.unwrap_or(0);
			let response = if request[..read].starts_with(b"GET /metrics") {
				let mut body = Vec::new();
				let encoder = TextEncoder::new();
				let _ = encoder.encode(&registry.gather(), &mut body);
				let head = format!(
					"HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
					encoder.format_type(),
					body.len()
				);
				[head.into_bytes(), body].concat()
			} else {
				b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
			};
			let _ = stream.write_all(&response).await;
			let _ = stream.shutdown().await;
		});
	}
}
