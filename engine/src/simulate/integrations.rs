//! What each Task integration does to the world, from the state machine's region. A call fails
//! when its service or region is unavailable to the caller.
//!
//! Request and response members of `aws-sdk:*` integrations use the AWS SDK for Java 2.x
//! member names, which Step Functions' SDK integrations are built on: `DbClusterIdentifier`,
//! `DbInstances[].DbInstanceStatus`, `GlobalClusterMembers[].DbClusterArn` (not the RDS query
//! API's `DBClusterIdentifier`); error names follow the same model (`Rds.DbClusterNotFoundException`).
//! Sources: <https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html>
//! (parameters in PascalCase as the SDK shapes name them) and the Java 2.x RDS model
//! <https://sdk.amazonaws.com/java/api/latest/software/amazon/awssdk/services/rds/model/DescribeDbInstancesResponse.html>.

use serde_json::{json, Value};

use super::asl::eval::{Call, Integrations};
use super::run::{Ev, Run};
use super::violations as v;
use super::world::{StateMachine, IAM_CONTROL_REGION, ROUTE53_CONTROL_REGION};

pub(crate) struct Calls<'r, 'a> {
    pub run: &'r mut Run<'a>,
    pub exec: usize,
    pub machine: &'r StateMachine,
}

fn err(name: &str, cause: impl Into<String>) -> Result<Value, (String, String)> {
    Err((name.to_string(), cause.into()))
}

fn base(s: &str) -> String {
    s.split('.').next().unwrap_or(s).to_string()
}

impl Calls<'_, '_> {
    fn done(&self, id: &str, result: Result<Value, (String, String)>) -> Call {
        Call::Done {
            after: self.run.d.get(id).max(1),
            result,
        }
    }

    fn resource(&self, state: &str) -> String {
        format!("{}#{state}", self.machine.key)
    }

    /// The surge: the first call of each control-plane API in the throttle window is refused.
    fn throttled(&mut self, api: &str) -> bool {
        let r = &mut *self.run;
        r.scenario.surge()
            && r.now < r.d.get("scenario.throttleWindow")
            && r.throttled.insert(api.to_string())
    }

    fn rds(&mut self, action: &str, p: &Value, state: &str) -> Call {
        let region = self.machine.region.clone();
        let w = &self.run.w;
        let cluster = |key: &str| {
            p.get(key)
                .and_then(Value::as_str)
                .and_then(|c| w.cluster_by_ref(c))
        };
        match action {
            "failoverGlobalCluster" | "switchoverGlobalCluster" => {
                let Some(ci) = cluster("TargetDbClusterIdentifier") else {
                    return self.done(
                        "sdk.call",
                        err("Rds.DbClusterNotFoundException", "no such target cluster"),
                    );
                };
                let Some(target) = w.clusters.get(ci).cloned() else {
                    return self.done("sdk.call", err("Rds.DbClusterNotFoundException", ""));
                };
                // A repeated call (a retry after one that took effect but answered late) meets a
                // global cluster already failing over to, or promoted to, this target.
                if w.promoting.as_deref() == Some(target.region.as_str())
                    || (w.promoting.is_none()
                        && w.writer.as_deref() == Some(target.region.as_str()))
                {
                    return self.done(
                        "sdk.call",
                        err(
                            "Rds.InvalidGlobalClusterStateException",
                            "the global cluster is already failing over or promoted",
                        ),
                    );
                }
                let lossy = action == "failoverGlobalCluster"
                    && p.get("AllowDataLoss").and_then(Value::as_bool) == Some(true);
                let old = w.writer.clone().unwrap_or_default();
                let old_serving = w.serves(&old) && w.writable(&old);
                let old_reachable =
                    w.reaches(&region, &old) && !(old == w.primary_region && w.primary_db_down);
                if target.instances == 0 {
                    let m = format!(
                        "`{state}` cannot promote `{}`: the cluster has no instance",
                        target.key
                    );
                    self.run.violate(&v::PROMOTION_FAILED, &target.key, m);
                    return self.done(
                        "sdk.call",
                        err(
                            "Rds.InvalidDbClusterStateException",
                            "the target cluster has no instance",
                        ),
                    );
                }
                if !lossy && !old_reachable {
                    let m = format!(
                        "`{state}` needs the current writer in `{old}`, which cannot be reached"
                    );
                    self.run
                        .violate(&v::PROMOTION_FAILED, &self.resource(state), m);
                    return self.done(
                        "sdk.call",
                        err(
                            "Rds.InvalidGlobalClusterStateException",
                            "the primary cannot be reached",
                        ),
                    );
                }
                if lossy && old_serving {
                    let m = format!("`{state}` forced a lossy failover while the writer in `{old}` still served users");
                    let res = self.resource(state);
                    self.run.violate(&v::LOSSY_WHILE_SERVING, &res, m);
                }
                if lossy {
                    self.run.lossy = Some((
                        self.run.now,
                        !self.run.w.up(&old) || self.run.w.primary_db_down,
                    ));
                    if self.run.w.up(&old) && !old_reachable {
                        self.run.split_brain = Some(old.clone());
                    }
                }
                self.run.w.promoting = Some(target.region.clone());
                let at = self.run.now + self.run.d.get("aurora.globalFailover");
                self.run.at(
                    at,
                    Ev::PromotionDone {
                        region: target.region.clone(),
                    },
                );
                self.run.log(
                    &region,
                    "aurora",
                    format!("{action} to `{}` accepted", target.region),
                    &target.key,
                );
                self.done(
                    "sdk.call",
                    Ok(json!({"GlobalCluster": {"Status": "failing-over"}})),
                )
            }
            "describeGlobalClusters" => {
                let members: Vec<Value> = w
                    .clusters
                    .iter()
                    .filter(|c| c.global && w.deployed(&c.stack))
                    .map(|c| json!({"DbClusterArn": c.arn(), "IsWriter": w.promoting.is_none() && w.writer.as_deref() == Some(c.region.as_str())}))
                    .collect();
                let mut global = json!({"GlobalClusterMembers": members, "Status": "available"});
                // While a promotion is under way: `Status` and `FailoverState` name its target.
                if let (Some(to), Some(o)) = (
                    w.promoting.as_ref().and_then(|r| {
                        w.clusters
                            .iter()
                            .find(|c| c.global && &c.region == r)
                            .map(|c| c.arn())
                    }),
                    global.as_object_mut(),
                ) {
                    o.insert("Status".into(), json!("failing-over"));
                    o.insert(
                        "FailoverState".into(),
                        json!({"Status": "failing-over", "ToDbClusterArn": to, "IsDataLossAllowed": true}),
                    );
                }
                self.done("sdk.call", Ok(json!({"GlobalClusters": [global]})))
            }
            "createDBInstance" => {
                let Some(ci) = cluster("DbClusterIdentifier") else {
                    return self.done("sdk.call", err("Rds.DbClusterNotFoundException", ""));
                };
                let key = w
                    .clusters
                    .get(ci)
                    .map(|c| c.key.clone())
                    .unwrap_or_default();
                let at = self.run.now + self.run.d.get("aurora.addInstance");
                self.run.at(at, Ev::InstanceReady { cluster: ci });
                self.run.log(
                    &region,
                    "aurora",
                    "an instance is requested for the cluster",
                    &key,
                );
                self.done(
                    "sdk.call",
                    Ok(json!({"DbInstance": {"DbInstanceStatus": "creating"}})),
                )
            }
            "describeDBInstances" | "describeDBClusters" => {
                let ci = cluster("DbClusterIdentifier").or_else(|| {
                    w.clusters
                        .iter()
                        .position(|c| c.region == region && c.global)
                });
                let ready = ci
                    .and_then(|i| w.clusters.get(i))
                    .is_some_and(|c| c.instances > 0);
                let status = if ready { "available" } else { "creating" };
                self.done("sdk.call", Ok(json!({"DbInstances": [{"DbInstanceStatus": status}], "DbClusters": [{"Status": status}]})))
            }
            other => {
                self.run
                    .w
                    .notes
                    .push(format!("`rds:{other}` is not modelled: the call fails"));
                self.done(
                    "sdk.call",
                    err("States.TaskFailed", format!("rds:{other} is not modelled")),
                )
            }
        }
    }
}

impl Integrations for Calls<'_, '_> {
    fn flush(&mut self, trace: &mut Vec<super::asl::eval::Trace>) {
        for t in trace.drain(..) {
            self.run.timeline.push(super::TimelineEvent {
                t: self.run.now,
                region: self.machine.region.clone(),
                component: "stepfunctions".into(),
                event: format!("{}: {}", t.state, t.event),
                resource: format!("{}#{}", self.machine.key, t.state),
            });
        }
    }

    fn call(&mut self, resource: &str, p: &Value, state: &str) -> Call {
        let region = self.machine.region.clone();
        let service = resource.trim_start_matches("arn:aws:states:::");
        match service {
            "lambda:invoke" => {
                let f = base(
                    p.get("FunctionName")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                );
                let Some(probe) = self.run.w.probe_by_ref(&f).cloned() else {
                    return self.done(
                        "lambda.invoke",
                        err(
                            "Lambda.ResourceNotFoundException",
                            format!("`{f}` is not a probe the simulator models"),
                        ),
                    );
                };
                if !self.run.w.reaches(&region, &probe.region) {
                    return self.done(
                        "lambda.invoke",
                        err(
                            "Lambda.ServiceException",
                            "the function's region cannot be reached",
                        ),
                    );
                }
                let payload = p.get("Payload").cloned().unwrap_or(Value::Null);
                let (out, slow) = if let Some(name) = payload.get("resolve").and_then(Value::as_str)
                {
                    let want = payload
                        .get("expectRegion")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let got = super::people::resolve(self.run, name);
                    (json!({"agrees": got.as_deref() == Some(want)}), false)
                } else {
                    let url = payload
                        .get("url")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or(probe.default_url.clone())
                        .unwrap_or_default();
                    // The health body names the region that answered; with `expectRegion`
                    // only that region counts as healthy (the probe's own rule).
                    let answered = super::people::probe_get(self.run, &probe.region, &url);
                    let want = payload.get("expectRegion").and_then(Value::as_str);
                    let healthy = answered
                        .as_deref()
                        .is_some_and(|got| want.is_none_or(|w| w == got));
                    (
                        json!({"healthy": healthy, "status": if answered.is_some() { 200 } else { 0 }, "region": answered}),
                        answered.is_none(),
                    )
                };
                let after = self.run.d.get("lambda.invoke").max(1)
                    + if slow {
                        self.run.d.get("probe.timeout")
                    } else {
                        0
                    };
                Call::Done {
                    after,
                    result: Ok(json!({"Payload": out, "StatusCode": 200})),
                }
            }
            "sns:publish" | "sns:publish.waitForTaskToken" => {
                let topic = base(
                    p.get("TopicArn")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                );
                if service == "sns:publish" {
                    if let Some(e) = self.run.execs.get_mut(self.exec) {
                        e.notified = true;
                    }
                    self.run.log(
                        &region,
                        "sns",
                        format!("`{state}` publishes to the alert topic"),
                        &topic,
                    );
                    return self.done("sdk.call", Ok(json!({"MessageId": "m"})));
                }
                if self.run.w.paging_topics.contains(&topic) {
                    let approval = self
                        .run
                        .scenario
                        .approval_override()
                        .unwrap_or(self.run.objectives.approval_seconds);
                    let at = self.run.now + self.run.d.get("email.delivery") + approval;
                    self.run.at(at, Ev::Approve { exec: self.exec });
                }
                Call::Token
            }
            _ => {
                let Some((svc, action)) = service
                    .strip_prefix("aws-sdk:")
                    .and_then(|s| s.split_once(':'))
                else {
                    self.run
                        .w
                        .notes
                        .push(format!("`{resource}` is not modelled: the call fails"));
                    return self.done("sdk.call", err("States.TaskFailed", "not modelled"));
                };
                let target = if svc == "route53" {
                    ROUTE53_CONTROL_REGION.to_string()
                } else if svc == "iam" {
                    IAM_CONTROL_REGION.to_string()
                } else {
                    region.clone()
                };
                if !self.run.w.reaches(&region, &target) {
                    let m = format!("`{state}` calls `{svc}:{action}`, whose endpoint in `{target}` is unavailable");
                    let res = self.resource(state);
                    self.run.violate(&v::DEPENDS_ON_FAILED_REGION, &res, m);
                    return self.done(
                        "sdk.call",
                        err(
                            "ServiceUnavailable",
                            format!("{svc} in {target} is unavailable"),
                        ),
                    );
                }
                if self.throttled(&format!("{svc}:{action}")) {
                    return self.done("sdk.call", err("ThrottlingException", "rate exceeded"));
                }
                match svc {
                    "rds" => self.rds(action, p, state),
                    "route53" if action == "updateHealthCheck" => {
                        let check = base(
                            p.get("HealthCheckId")
                                .and_then(Value::as_str)
                                .unwrap_or_default(),
                        );
                        if let Some(inv) = p.get("Inverted").and_then(Value::as_bool) {
                            let at = self.run.now + self.run.d.get("route53.propagation");
                            self.run.at(
                                at,
                                Ev::Invert {
                                    check,
                                    inverted: inv,
                                },
                            );
                        }
                        self.done("sdk.call", Ok(json!({})))
                    }
                    "cloudwatch" if action == "putMetricData" => {
                        for d in p
                            .get("MetricData")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            let name = d
                                .get("MetricName")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string();
                            let value = d.get("Value").and_then(Value::as_f64).unwrap_or(0.0);
                            let now = self.run.now;
                            self.run
                                .w
                                .metrics
                                .entry((region.clone(), name))
                                .or_default()
                                .push((now, value));
                        }
                        self.done("sdk.call", Ok(json!({})))
                    }
                    _ => {
                        self.run
                            .w
                            .notes
                            .push(format!("`{svc}:{action}` is not modelled: the call fails"));
                        self.done("sdk.call", err("States.TaskFailed", "not modelled"))
                    }
                }
            }
        }
    }
}
