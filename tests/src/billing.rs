//! Every billable resource in a synthesized template has a cost line or a "not priced" entry.

use serde_json::Value;
use tandem_engine::analysis::billing::{billing, Billing};
use tandem_engine::analysis::CostReport;
use tandem_engine::model::Side;

/// The billing key of a resource: its type, with `VpcEndpointType` for endpoints.
fn key(resource: &Value) -> String {
    let ty = resource.get("Type").and_then(Value::as_str).unwrap_or("");
    if ty == "AWS::EC2::VPCEndpoint" {
        let kind = resource
            .pointer("/Properties/VpcEndpointType")
            .and_then(Value::as_str)
            .unwrap_or("Gateway");
        format!("{ty}/{kind}")
    } else {
        ty.to_string()
    }
}

/// Problems with one template deployed on `side`: a type Tandem does not classify, or a
/// billable type with neither a cost line on that side (any side for Route 53) nor a
/// "not priced" entry there.
pub fn unpriced(template: &Value, side: Side, cost: &CostReport) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return vec!["no Resources".into()];
    };
    let mut seen: Vec<String> = Vec::new();
    for resource in resources.values() {
        let k = key(resource);
        if seen.contains(&k) {
            continue;
        }
        seen.push(k.clone());
        match billing(&k) {
            None => problems.push(format!("`{k}` is neither priced nor known to be free")),
            Some(Billing::Free(_)) => {}
            Some(Billing::Priced { items, global }) => {
                let line = cost
                    .lines
                    .iter()
                    .any(|l| (global || l.side == side) && items.contains(&l.price_item.as_str()));
                let not_priced = cost
                    .missing
                    .iter()
                    .any(|m| m.side == side && items.contains(&m.item.as_str()));
                if !line && !not_priced {
                    problems.push(format!(
                        "`{k}` has no cost line ({}) and no not-priced entry",
                        items.join(" or ")
                    ));
                }
            }
        }
    }
    problems
}
