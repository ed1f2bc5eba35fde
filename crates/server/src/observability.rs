//! The process's Prometheus recorder, behind the `metrics` facade every crate writes to.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// The handle that renders every metric in Prometheus text format. The recorder is global to
/// the process, so it is installed once and shared by every [`crate::App`] in it (tests start
/// many); should another recorder already be installed, a detached one renders nothing.
pub(crate) fn prometheus() -> PrometheusHandle {
    PROMETHEUS
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(handle) => handle,
            Err(err) => {
                tracing::warn!(target: "server", error = %err, "metrics recorder not installed");
                PrometheusBuilder::new().build_recorder().handle()
            }
        })
        .clone()
}
