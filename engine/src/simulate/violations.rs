//! Rule area 6 (simulation): what a played outage can show about the templates. Each
//! violation names the template resource (`stack/Logical`, `#State` for a state) and the moment.

use serde::{Deserialize, Serialize};

use crate::rules::RuleMeta;

const R53_DR: &str = "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html";
const SFN_ERR: &str =
    "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html";
const AURORA_DR: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
const R53_FAILOVER: &str = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";
const CW_ACTIONS: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html";
const DR_WP: &str = "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html";

macro_rules! meta {
    ($id:literal, $title:literal, $desc:literal, $src:expr) => {
        RuleMeta {
            id: $id,
            title: $title,
            description: $desc,
            source: $src,
            defects: &[],
        }
    };
}

pub const DNS_DEAD_REGION: RuleMeta = meta!("E6001", "DNS answers a dead region after failover", "After the failover run reported success, the public name still (or again) answers a region that does not serve; a validation that probes a regional URL instead of the public name cannot see it.", R53_FAILOVER);
pub const DNS_READ_ONLY: RuleMeta = meta!("E6002", "DNS points at a read-only database", "The public name answers a region whose database rejects writes for longer than the RTO objective (one record TTL when a working writer elsewhere is bypassed): DNS moved before the database was promoted (a health check on the endpoint moves traffic whether or not anyone approved the failover).", R53_FAILOVER);
pub const LOSSY_WHILE_SERVING: RuleMeta = meta!("E6003", "Lossy failover while the primary served users", "`FailoverGlobalCluster` with `AllowDataLoss` ran while users were still writing to the primary: writes after the promotion are lost. Ask a second, independent opinion before a lossy failover.", AURORA_DR);
pub const DEPENDS_ON_FAILED_REGION: RuleMeta = meta!("E6004", "A failover step depends on the failed region", "A failover step called a service in a region that was down (Route 53's and IAM's control planes are in us-east-1), the failover deploy read a stack output from it, or it created IAM resources while us-east-1 was out of reach.", R53_DR);
pub const NOBODY_PAGED: RuleMeta = meta!("E6005", "Nobody is paged", "Users lost writes and no alarm with an action reaching an email-subscribed topic fired in a region that was up, so no operator was paged within the recovery objective.", CW_ACTIONS);
pub const SILENT_END: RuleMeta = meta!("E6006", "An execution ends without notifying", "A failover execution ended (runtime error, timeout or failure) without publishing to the alert topic on its way out.", SFN_ERR);
pub const NEVER_COMPLETES: RuleMeta = meta!(
    "E6007",
    "Failover never completes",
    "Writes through the public name never succeed again before the scenario ends.",
    DR_WP
);
pub const RTO_EXCEEDED: RuleMeta = meta!("E6008", "Simulated RTO beyond the objective", "The measured time from the outage to the first write that succeeds through the public name exceeds the topology's RTO.", DR_WP);
pub const RPO_EXCEEDED: RuleMeta = meta!(
    "E6009",
    "Simulated data loss beyond the objective",
    "A store lost more seconds of writes than the topology's RPO allows.",
    DR_WP
);
pub const RUNTIME_ERROR: RuleMeta = meta!("E6010", "Uncatchable runtime error in the state machine", "A Choice compared a path that was absent (for instance an empty list indexed without an `IsPresent` guard): `States.Runtime` cannot be retried or caught and ends the execution.", SFN_ERR);
pub const NO_RETRY: RuleMeta = meta!("E6011", "A task failed on a transient error without retry", "A task failed with a throttling or service error that a `Retry` with backoff would have survived.", SFN_ERR);
pub const EXECUTION_TIMEOUT: RuleMeta = meta!("E6012", "The failover execution timed out", "The execution's `TimeoutSeconds` expired (for instance shorter than the approval wait); an execution timeout cannot be caught.", SFN_ERR);
pub const PROMOTION_FAILED: RuleMeta = meta!("E6013", "The database could not be promoted", "The promotion call failed: the target cluster has no instance (pilot light needs a step that adds one and waits for it), or the global cluster refused the call.", AURORA_DR);

/// Every simulation rule, in id order (listed by `tandem rules` and `docs/rules.md`).
pub const VIOLATIONS: &[RuleMeta] = &[
    DNS_DEAD_REGION,
    DNS_READ_ONLY,
    LOSSY_WHILE_SERVING,
    DEPENDS_ON_FAILED_REGION,
    NOBODY_PAGED,
    SILENT_END,
    NEVER_COMPLETES,
    RTO_EXCEEDED,
    RPO_EXCEEDED,
    RUNTIME_ERROR,
    NO_RETRY,
    EXECUTION_TIMEOUT,
    PROMOTION_FAILED,
];

/// One violation, naming the resource and the moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub id: String,
    pub message: String,
    pub resource: String,
    pub t: u64,
}

impl Violation {
    pub(crate) fn new(
        meta: &RuleMeta,
        resource: impl Into<String>,
        t: u64,
        message: impl Into<String>,
    ) -> Violation {
        Violation {
            id: meta.id.into(),
            message: message.into(),
            resource: resource.into(),
            t,
        }
    }
}
