//! Choice rules: comparisons on a variable, `IsPresent`, and `And`/`Or`/`Not`.

use serde_json::Value;

use super::path::{read, Absent};

#[derive(Debug, Clone)]
pub(crate) enum Rule {
    And(Vec<Rule>),
    Or(Vec<Rule>),
    Not(Box<Rule>),
    Compare { variable: String, op: Op },
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    IsPresent(bool),
    BooleanEquals(bool),
    StringEquals(String),
    NumericEquals(f64),
    NumericGreaterThan(f64),
    NumericGreaterThanEquals(f64),
    NumericLessThan(f64),
    NumericLessThanEquals(f64),
}

pub(crate) fn parse(v: &Value) -> Result<Rule, String> {
    if let Some(all) = v.get("And").and_then(Value::as_array) {
        return all
            .iter()
            .map(parse)
            .collect::<Result<_, _>>()
            .map(Rule::And);
    }
    if let Some(any) = v.get("Or").and_then(Value::as_array) {
        return any
            .iter()
            .map(parse)
            .collect::<Result<_, _>>()
            .map(Rule::Or);
    }
    if let Some(not) = v.get("Not") {
        return Ok(Rule::Not(Box::new(parse(not)?)));
    }
    let variable = v
        .get("Variable")
        .and_then(Value::as_str)
        .ok_or("a choice rule has no `Variable`")?
        .to_string();
    let num = |k: &str| v.get(k).and_then(Value::as_f64);
    let op = if let Some(b) = v.get("IsPresent").and_then(Value::as_bool) {
        Op::IsPresent(b)
    } else if let Some(b) = v.get("BooleanEquals").and_then(Value::as_bool) {
        Op::BooleanEquals(b)
    } else if let Some(s) = v.get("StringEquals").and_then(Value::as_str) {
        Op::StringEquals(s.to_string())
    } else if let Some(n) = num("NumericEquals") {
        Op::NumericEquals(n)
    } else if let Some(n) = num("NumericGreaterThan") {
        Op::NumericGreaterThan(n)
    } else if let Some(n) = num("NumericGreaterThanEquals") {
        Op::NumericGreaterThanEquals(n)
    } else if let Some(n) = num("NumericLessThan") {
        Op::NumericLessThan(n)
    } else if let Some(n) = num("NumericLessThanEquals") {
        Op::NumericLessThanEquals(n)
    } else {
        return Err(format!(
            "the rule on `{variable}` uses a comparison the simulator does not model"
        ));
    };
    Ok(Rule::Compare { variable, op })
}

/// Evaluates a rule; a comparison on an absent variable is the service's `States.Runtime`.
pub(crate) fn eval(rule: &Rule, data: &Value, context: &Value) -> Result<bool, Absent> {
    match rule {
        Rule::And(rs) => {
            for r in rs {
                if !eval(r, data, context)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Rule::Or(rs) => {
            for r in rs {
                if eval(r, data, context)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Rule::Not(r) => Ok(!eval(r, data, context)?),
        Rule::Compare { variable, op } => {
            if let Op::IsPresent(want) = op {
                return Ok(read(variable, data, context).is_ok() == *want);
            }
            let v = read(variable, data, context)?;
            Ok(match op {
                Op::IsPresent(_) => false,
                Op::BooleanEquals(b) => v.as_bool() == Some(*b),
                Op::StringEquals(s) => v.as_str() == Some(s.as_str()),
                Op::NumericEquals(n) => v.as_f64() == Some(*n),
                Op::NumericGreaterThan(n) => v.as_f64().is_some_and(|x| x > *n),
                Op::NumericGreaterThanEquals(n) => v.as_f64().is_some_and(|x| x >= *n),
                Op::NumericLessThan(n) => v.as_f64().is_some_and(|x| x < *n),
                Op::NumericLessThanEquals(n) => v.as_f64().is_some_and(|x| x <= *n),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn is_present_guards_an_absent_path() {
        let guarded = parse(&json!({"And": [
            {"Variable": "$.w[0]", "IsPresent": true},
            {"Variable": "$.w[0]", "StringEquals": "t"}]}))
        .unwrap();
        let unguarded = parse(&json!({"Variable": "$.w[0]", "StringEquals": "t"})).unwrap();
        let empty = json!({"w": []});
        assert_eq!(eval(&guarded, &empty, &json!({})), Ok(false));
        assert!(eval(&unguarded, &empty, &json!({})).is_err());
        let not = parse(&json!({"Not": {"Variable": "$.b", "BooleanEquals": true}})).unwrap();
        assert_eq!(eval(&not, &json!({"b": false}), &json!({})), Ok(true));
        let ge = parse(&json!({"Variable": "$.n", "NumericGreaterThanEquals": 3})).unwrap();
        assert_eq!(eval(&ge, &json!({"n": 3}), &json!({})), Ok(true));
        assert_eq!(eval(&ge, &json!({"n": 2}), &json!({})), Ok(false));
    }
}
