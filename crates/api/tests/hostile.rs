//! A server that never stops answering: the client reads at most 1 MiB of an answer, calls
//! it malformed, and gives up after its attempts instead of filling memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use seedance_api::retry::RetryPolicy;
use seedance_api::{ApiError, ApiKey, Client, ClientConfig, LocalBudget, Rate};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers every request with 200 and a chunked body that goes on for ever (it stops when
/// the client hangs up). Returns its base URL and how many connections it took.
async fn endless_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    (format!("http://{addr}"), connections)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_is_cut_at_one_mebibyte_and_the_client_gives_up() {
    let (base, connections) = endless_server().await;
    let budget = Arc::new(LocalBudget::new(Rate {
        requests: 1000,
        window: Duration::from_secs(1),
    }));
    let mut config = ClientConfig::new(base, ApiKey::new("sk_test_endless").unwrap(), budget);
    config.retry = RetryPolicy {
        max_attempts: 3,
        max_wait_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    };
    let client = Client::new(config).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(20), client.get_task("task-1"))
        .await
        .expect("the client kept reading");
    match result {
        Err(ApiError::MalformedBody { status, detail }) => {
            assert_eq!(status, 200);
            assert!(detail.contains("1024 KiB"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        connections.load(Ordering::SeqCst) <= 3,
        "every attempt is bounded"
    );
}
