//! People and clients: the operator acts only when paged and approves after the topology's
//! approval time; clients and the probe resolve the public name like anyone else.

use super::run::{Ev, Run};
use super::violations as v;
use super::world::IAM_CONTROL_REGION;

/// A page reached the operator (an alarm's action on an email-subscribed topic).
pub(crate) fn paged(r: &mut Run<'_>, alarm: &str) {
    if r.paged_at.is_some() {
        return;
    }
    r.paged_at = Some(r.now);
    let region =
        r.w.alarms
            .iter()
            .find(|a| a.key == alarm)
            .map(|a| a.region.clone())
            .unwrap_or_default();
    r.log(&region, "operator", "is paged", alarm);
    let at = r.now + r.d.get("operator.start");
    r.at(at, Ev::OperatorAct);
}

/// The paged operator deploys what the plan deploys at failover, then starts the runbook
/// unless an execution already runs.
pub(crate) fn act(r: &mut Run<'_>) {
    let pending: Vec<_> =
        r.w.failover_stacks
            .iter()
            .filter(|s| !r.w.deployed(&s.id))
            .cloned()
            .collect();
    if let Some(stack) = pending.first() {
        let here =
            r.w.stacks
                .get(&stack.id)
                .map(|s| s.0.clone())
                .unwrap_or_default();
        let fails = |r: &mut Run<'_>, region: &str| {
            r.log(
                region,
                "operator",
                "deploy.sh --failover fails",
                &format!("deploy-plan/{}", stack.id),
            );
        };
        for p in &stack.params {
            if let Some((from, region)) = &p.output_of {
                if !r.w.up(region) {
                    let m = format!("the failover deploy of `{}` reads output `{}` of `{from}` in `{region}`, which is down", stack.id, p.name);
                    r.violate(
                        &v::DEPENDS_ON_FAILED_REGION,
                        &format!("deploy-plan/{}#{}", stack.id, p.name),
                        m,
                    );
                    fails(r, region);
                    return;
                }
            }
        }
        if let Some(role) = stack.iam.first() {
            if !r.w.reaches(&here, IAM_CONTROL_REGION) {
                let m = format!(
                    "the failover deploy of `{}` creates IAM resources ({}): IAM's control plane is in `{IAM_CONTROL_REGION}`, which `{here}` cannot reach",
                    stack.id,
                    stack.iam.join(", ")
                );
                r.violate(
                    &v::DEPENDS_ON_FAILED_REGION,
                    &format!("{}/{role}", stack.id),
                    m,
                );
                fails(r, IAM_CONTROL_REGION);
                return;
            }
        }
        let stack = &stack.id;
        r.log(
            &here,
            "operator",
            "runs deploy.sh --failover",
            &format!("deploy-plan/{stack}"),
        );
        let restore = if r.w.clusters.iter().any(|c| &c.stack == stack && c.restored) {
            r.d.get("aurora.restore")
        } else {
            0
        };
        let at = r.now + r.d.get("cloudformation.deploy") + restore;
        r.at(
            at,
            Ev::DeployDone {
                stack: stack.clone(),
            },
        );
        return;
    }
    if !r.execs.is_empty() {
        return;
    }
    // The runbook in a region that is up (with a state machine in each region, the surviving one).
    let runnable = |m: &super::world::StateMachine| !m.failback && r.w.deployed(&m.stack);
    let pick =
        r.w.machines
            .iter()
            .position(|m| runnable(m) && r.w.up(&m.region))
            .or_else(|| r.w.machines.iter().position(|m| runnable(m)));
    if let Some(m) = pick {
        r.start(m, "the operator");
    }
}

/// The primary is back: the operator plays the runbook's failback, if the templates have one.
pub(crate) fn failback(r: &mut Run<'_>) {
    match r
        .w
        .machines
        .iter()
        .position(|m| m.failback && r.w.deployed(&m.stack))
    {
        Some(m) => r.start(m, "the operator (failback)"),
        None => {
            let region = r.w.primary_region.clone();
            r.log(&region, "operator", "has no failback runbook to play", "");
        }
    }
}

/// What the public name resolves to now, seen from anywhere (Route 53's data plane is global).
pub(crate) fn resolve(r: &Run<'_>, name: &str) -> Option<String> {
    if r.w.public_name() != Some(name) {
        return None;
    }
    r.w.answer()
        .and_then(|i| r.w.records.get(i))
        .map(|x| x.region.clone())
}

/// An HTTPS GET of a health URL from `from`: a regional API URL or the public name. `Some`
/// region that answered healthy, `None` when nothing healthy answered.
pub(crate) fn probe_get(r: &Run<'_>, from: &str, url: &str) -> Option<String> {
    // A regional API URL names its region; anything else is resolved through DNS.
    let region = match super::world::api_region(url) {
        Some(region) => Some(region),
        None => {
            let host = url
                .trim_start_matches("https://")
                .split('/')
                .next()
                .unwrap_or_default();
            resolve(r, host)
        }
    };
    region.filter(|region| r.w.api_healthy(region) && r.w.reaches(from, region))
}
