//! `tandem optimize`: the Pareto front of designs, and writing a chosen one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tandem_engine::optimize::{optimize, optimize_markdown, optimize_text, Limits};
use tandem_engine::{apply_fix, Fix};

use crate::{read_prices, read_topology, AnalyzeFormat, InputError};

/// The command's arguments, as parsed.
#[derive(Debug)]
pub(crate) struct Args {
    pub file: PathBuf,
    pub limits: Limits,
    pub format: AnalyzeFormat,
    pub prices: Option<PathBuf>,
    /// 1-based point number and the file to write it to.
    pub apply: Option<(usize, PathBuf)>,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, InputError> {
    let topology = read_topology(&args.file)?;
    let prices = read_prices(args.prices.as_deref())?;
    let report = optimize(&topology, &prices, &args.limits);
    if let Some((n, out)) = &args.apply {
        let point = n
            .checked_sub(1)
            .and_then(|i| report.points.get(i))
            .ok_or_else(|| {
                InputError(format!(
                    "no point `{n}`: the front has {} (numbered from 1)",
                    report.points.len()
                ))
            })?;
        let fix = Fix {
            title: format!("point {n}"),
            edits: point.edits.clone(),
        };
        let chosen = apply_fix(&topology, &fix)
            .map_err(|e| InputError(format!("point `{n}` does not apply: {e}")))?;
        write(out, &tandem_engine::to_json(&chosen))?;
        eprintln!(
            "wrote point {n} to {} ({} edits)",
            out.display(),
            point.edits.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        AnalyzeFormat::Text => print!("{}", optimize_text(&topology, &report)),
        AnalyzeFormat::Markdown => print!("{}", optimize_markdown(&topology, &report)),
        AnalyzeFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report)
                .map_err(|e| InputError(format!("cannot write JSON: {e}")))?
        ),
    }
    // As `check`: 1 when the input itself has an error finding (objective rules aside).
    Ok(if report.current_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write(path: &Path, text: &str) -> Result<(), InputError> {
    std::fs::write(path, format!("{text}\n"))
        .map_err(|e| InputError(format!("cannot write `{}`: {e}", path.display())))
}
