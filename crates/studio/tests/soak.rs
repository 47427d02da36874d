//! The soak, scaled down for CI (the documented full run is `examples/soak.rs`): renders
//! under every fault the sandbox injects end ready or failed with a reason, none is lost,
//! none is charged twice, and the budget is never exceeded.

mod support {
    pub mod soak;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_job_lost_or_charged_twice_under_faults() {
    let report = support::soak::soak(40, 20.0, 7).await;
    eprintln!("{}", report.markdown(20.0));
    assert_eq!(report.lost, 0, "{report:?}");
    assert_eq!(report.double_charges, 0, "{report:?}");
    assert_eq!(report.rate_limited, 0, "{report:?}");
    assert!(report.busiest_window <= 30, "{report:?}");
    assert!(report.ready > 30, "most renders succeed: {report:?}");
    assert!(
        report.faults_injected > 10,
        "faults were injected: {report:?}"
    );
}
