//! DNS: each region's custom domain, the failover records and their health checks, and the
//! switch alarm the failover drives.
//!
//! Nothing in the failover path calls Route 53's control plane (it lives in us-east-1, which may
//! be the region that failed). The PRIMARY record's health check follows a CloudWatch alarm in
//! the secondary region, `<base>-failover-switch`; the state machine fires it with a data-plane
//! `PutMetricData` once the secondary database writes, and Route 53's global health checkers
//! then answer with the SECONDARY record. With an automatic decision the PRIMARY record also
//! follows the primary's endpoint (a `CALCULATED` check that is unhealthy when either child is).

use serde_json::json;

use super::app::Ctx;
use super::secondary_app_standing;
use super::template::{ga, r, Template};
use crate::model::{Api, Decision, FailoverRole, Side, Topology};

/// The metric the switch alarm watches, in the `Tandem` namespace.
pub(crate) const SWITCH_METRIC: &str = "FailoverSwitch";

/// The share of requests `side` serves while both regions are healthy, as the generated records
/// route them. The records are a failover pair: Route 53 answers with the PRIMARY record
/// whenever its health check passes, so the primary region serves every request, whatever the
/// strategy says (active/active included). Cost splits traffic by this, so the two cannot
/// disagree.
pub(crate) fn traffic_share(side: Side) -> f64 {
    match side {
        Side::Primary => 1.0,
        Side::Secondary => 0.0,
    }
}

/// Whether synthesis generates the API, its custom domain and the failover records.
pub(crate) fn has_api(t: &Topology) -> bool {
    t.api
        .as_ref()
        .is_some_and(|a| t.function(&a.health_function).is_some())
}

/// The switch alarm, in the secondary region. It lives in the `secondary-base` stack: Route 53
/// reads the alarm when the primary stack creates the health check that follows it, so it must
/// exist first, and under backup & restore the `secondary-app` stack is deployed only at failover.
pub(crate) fn switch_alarm(tpl: &mut Template, c: &Ctx<'_>) {
    if !has_api(c.t) {
        return;
    }
    tpl.add(
        "FailoverSwitchAlarm",
        "AWS::CloudWatch::Alarm",
        json!({
            "AlarmName": c.names.of("failover-switch"),
            "AlarmDescription": format!("in ALARM once the failover state machine has made {} the writer; the PRIMARY record's health check follows it", c.t.secondary.region),
            "Namespace": "Tandem",
            "MetricName": SWITCH_METRIC,
            "Dimensions": [{ "Name": "Topology", "Value": c.names.base() }],
            "Statistic": "Maximum",
            "Period": 60,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "ignore",
        }),
    );
}

/// The public health URL: what a client reaches through the failover record.
pub(crate) fn public_health_url(t: &Topology, api: &Api) -> String {
    format!("https://{}{}", t.dns.record_name, api.health_path)
}

/// This region's custom domain and API mapping, and its failover record(s): in the stack
/// that has the API when that stack stands; otherwise (backup & restore, secondary) see
/// [`standing_domain`], so nothing deployed at failover touches Route 53 or ACM.
pub(crate) fn custom_domain(tpl: &mut Template, c: &Ctx<'_>, api: &Api) {
    if !tpl.resources.contains_key("ApiDomainName") && !standing_domain_elsewhere(c) {
        domain(tpl, c, true);
    }
    let domain_name = if tpl.resources.contains_key("ApiDomainName") {
        r("ApiDomainName")
    } else {
        json!(c.t.dns.record_name)
    };
    tpl.add_with(
        "ApiBasePathMapping",
        "AWS::ApiGateway::BasePathMapping",
        json!({ "DomainName": domain_name, "RestApiId": r("Api"), "Stage": api.stage }),
        json!({ "DependsOn": "ApiStage" }),
    );
}

/// Whether this region's domain and records stand in the `secondary-base` stack.
fn standing_domain_elsewhere(c: &Ctx<'_>) -> bool {
    c.side == Side::Secondary && !secondary_app_standing(c.t)
}

/// Backup & restore: the secondary's certificate, custom domain and SECONDARY record are
/// created with `secondary-base`, because the application stack is deployed at failover and
/// Route 53's and ACM's changes must not be part of a failover. The record has no endpoint
/// check (the API does not exist until failover).
pub(crate) fn standing_domain(tpl: &mut Template, c: &Ctx<'_>) {
    if has_api(c.t) && standing_domain_elsewhere(c) {
        domain(tpl, c, false);
    }
}

fn domain(tpl: &mut Template, c: &Ctx<'_>, with_api: bool) {
    let t = c.t;
    let zone = tpl.param_with(
        "HostedZoneId",
        json!({ "Type": "AWS::Route53::HostedZone::Id", "Description": format!("the hosted zone of {}", t.dns.zone_name) }),
    );
    // ACM gives certificates for the same name in the same account one validation CNAME, in
    // every region. Only the certificate deployed first writes it (CloudFormation adds the
    // record for `HostedZoneId`); the other region's certificate validates through the same
    // record and writes nothing, so no stage creates a record another already made.
    // CloudFormation leaves the record in place when a stack is deleted, so renewals go on.
    let mut certificate = json!({ "DomainName": t.dns.record_name, "ValidationMethod": "DNS" });
    if writes_validation_record(c) {
        if let Some(o) = certificate.as_object_mut() {
            o.insert(
                "DomainValidationOptions".into(),
                json!([{ "DomainName": t.dns.record_name, "HostedZoneId": zone }]),
            );
        }
    }
    tpl.add(
        "ApiCertificate",
        "AWS::CertificateManager::Certificate",
        certificate,
    );
    tpl.add(
        "ApiDomainName",
        "AWS::ApiGateway::DomainName",
        json!({
            "DomainName": t.dns.record_name,
            "RegionalCertificateArn": r("ApiCertificate"),
            "EndpointConfiguration": { "Types": ["REGIONAL"] },
            "SecurityPolicy": "TLS_1_2",
        }),
    );
    for (i, record) in t
        .dns
        .records
        .iter()
        .enumerate()
        .filter(|(_, rec)| rec.target == c.side)
    {
        let n = i + 1;
        let check = match record.failover {
            FailoverRole::Primary => Some(primary_check(tpl, c, n, with_api)),
            FailoverRole::Secondary if with_api => Some(endpoint_check(tpl, c, n)),
            FailoverRole::Secondary => None,
        };
        let mut rec = json!({
            "HostedZoneId": zone,
            "Name": t.dns.record_name,
            "Type": "CNAME",
            "TTL": t.dns.ttl_seconds.to_string(),
            "SetIdentifier": record.set_identifier,
            "Failover": match record.failover { FailoverRole::Primary => "PRIMARY", FailoverRole::Secondary => "SECONDARY" },
            "ResourceRecords": [ga("ApiDomainName", "RegionalDomainName")],
        });
        if let (Some(check), Some(o)) = (check, rec.as_object_mut()) {
            o.insert("HealthCheckId".into(), check);
        }
        tpl.add(
            &format!("FailoverRecord{n}"),
            "AWS::Route53::RecordSet",
            rec,
        );
    }
}

/// Whether this region's certificate is the first deployed (`primary` before `secondary-app`;
/// under backup & restore `secondary-base` before `primary`) and so writes the shared
/// validation record.
fn writes_validation_record(c: &Ctx<'_>) -> bool {
    match c.side {
        Side::Primary => secondary_app_standing(c.t),
        Side::Secondary => !secondary_app_standing(c.t),
    }
}

/// An HTTPS check of this region's API health endpoint.
fn endpoint_check(tpl: &mut Template, c: &Ctx<'_>, n: usize) -> serde_json::Value {
    let hc = &c.t.dns.health_check;
    let id = format!("HealthCheck{n}");
    let mut config = json!({
        "Type": if hc.string_match { "HTTPS_STR_MATCH" } else { "HTTPS" },
        "FullyQualifiedDomainName": super::template::sub("${Api}.execute-api.${AWS::Region}.amazonaws.com"),
        "ResourcePath": hc.path,
        "Port": 443,
        "RequestInterval": hc.interval_seconds,
        "FailureThreshold": hc.failure_threshold,
    });
    if hc.string_match {
        if let Some(o) = config.as_object_mut() {
            o.insert("SearchString".into(), json!("\"status\":\"ok\""));
        }
    }
    tpl.add(
        &id,
        "AWS::Route53::HealthCheck",
        json!({ "HealthCheckConfig": config, "HealthCheckTags": [{ "Key": "Name", "Value": c.names.of(&format!("health-{}", c.region)) }] }),
    )
}

/// The PRIMARY record's check: the switch alone (manual decision: DNS moves only once the
/// secondary writes), or the switch and the endpoint (automatic decision).
fn primary_check(tpl: &mut Template, c: &Ctx<'_>, n: usize, with_api: bool) -> serde_json::Value {
    let t = c.t;
    if !tpl.resources.contains_key("SwitchHealthCheck") {
        tpl.add(
            "SwitchHealthCheck",
            "AWS::Route53::HealthCheck",
            json!({
                "HealthCheckConfig": {
                    "Type": "CLOUDWATCH_METRIC",
                    "AlarmIdentifier": { "Region": t.secondary.region, "Name": c.names.of("failover-switch") },
                    // While the alarm has no data the check keeps its last status: `Healthy`
                    // would move DNS back to a dead primary if the switch alarm ever lost its
                    // data during a failover. A new check with no status yet is healthy, so
                    // the PRIMARY record answers before the first failover.
                    "InsufficientDataHealthStatus": "LastKnownStatus",
                },
                "HealthCheckTags": [{ "Key": "Name", "Value": c.names.of("failover-switch") }],
            }),
        );
    }
    match t.failover.decision {
        Decision::Manual { .. } => r("SwitchHealthCheck"),
        Decision::Automatic if !with_api => r("SwitchHealthCheck"),
        Decision::Automatic => {
            let endpoint = endpoint_check(tpl, c, n);
            tpl.add(
                &format!("PrimaryHealthCheck{n}"),
                "AWS::Route53::HealthCheck",
                json!({
                    "HealthCheckConfig": {
                        "Type": "CALCULATED",
                        "ChildHealthChecks": [endpoint, r("SwitchHealthCheck")],
                        "HealthThreshold": 2,
                    },
                    "HealthCheckTags": [{ "Key": "Name", "Value": c.names.of(&format!("primary-{}", c.region)) }],
                }),
            )
        }
    }
}
