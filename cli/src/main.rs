//! `tandem`: the engine for CI pipelines. A thin front: it reads files, calls the engine,
//! writes results to stdout and errors to stderr.
//!
//! Exit codes: 0 success (no error finding), 1 error findings (or `synth` refused), 2 the input
//! could not be read or understood.

mod optimize;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tandem_engine::report;
use tandem_engine::rules::{self, CheckReport};
use tandem_engine::synth;
use tandem_engine::{analyze, presets, PriceTable, Topology};

#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    about = "Check, analyse and synthesize two-region AWS disaster-recovery topologies",
    after_help = "Example:\n  tandem init > topology.json\n  tandem check topology.json --format sarif > tandem.sarif"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a topology as JSON: the reference trading platform, or a preset.
    #[command(after_help = "Example:\n  tandem init --preset warm-standby > topology.json")]
    Init {
        /// reference, backup-restore, pilot-light, warm-standby or hot-standby.
        #[arg(long, default_value = "reference")]
        preset: String,
    },
    /// Report every finding. Exits 1 when there is an error finding.
    #[command(after_help = "Example:\n  tandem check topology.json --format sarif > tandem.sarif")]
    Check {
        /// The topology file (`-` reads standard input).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// A price table replacing the built-in one (same format as engine/data/prices.json).
        #[arg(long)]
        prices: Option<PathBuf>,
    },
    /// RPO per data store, RTO phases, cost lines and totals.
    #[command(
        after_help = "Example:\n  tandem analyze topology.json --format json | jq .cost.total"
    )]
    Analyze {
        /// The topology file (`-` reads standard input).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
        format: AnalyzeFormat,
        #[arg(long)]
        prices: Option<PathBuf>,
    },
    /// Write every template, the parameter files, deploy-plan.json, deploy.sh and RUNBOOK.md.
    ///
    /// Refuses (exit 1, nothing written) when the topology has error findings, unless --force.
    #[command(
        after_help = "Example:\n  tandem synth topology.json --out build/ && cfn-lint build/*.template.json"
    )]
    Synth {
        /// The topology file (`-` reads standard input).
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = SynthFormat::Json)]
        format: SynthFormat,
        /// Write even when there are error findings.
        #[arg(long)]
        force: bool,
    },
    /// List every rule.
    #[command(after_help = "Example:\n  tandem rules --format markdown > docs/rules.md")]
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Price tables: build one from AWS Price List bulk offer files.
    #[command(
        after_help = "Example:\n  tandem prices import AmazonEC2-eu-west-1.json > prices.json"
    )]
    Prices {
        #[command(subcommand)]
        command: PricesCommand,
    },
    /// Play outage scenarios against the synthesized stacks. Exits 1 when there is a violation.
    #[command(
        after_help = "Example:\n  tandem simulate topology.json --scenario region-outage\n  tandem simulate build/ --scenario all --format json"
    )]
    Simulate {
        /// A topology file, or a folder written by `tandem synth` (JSON templates).
        input: PathBuf,
        /// region-outage, database-outage, partition, secondary-outage, flapping,
        /// late-approval, failback, or all.
        #[arg(long, default_value = "all")]
        scenario: String,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
        format: AnalyzeFormat,
    },
    /// The Pareto front: every design within the optimizer's knobs that no other beats on
    /// monthly cost, RTO, typical RPO and RPO bound at once, each with its edits.
    ///
    /// Knobs: strategy (with what it implies for the data), decision, health-check interval
    /// and threshold, DNS TTL, NAT and interface endpoints, Aurora's minimum capacity and
    /// secondary instances, S3 RTC, the backup interval and the promotion wait. A design with
    /// an error finding is left out, the objective rules (E4001, E4002, E5001) aside: the
    /// limits play their part. Exits 1 when the input itself has such an error finding.
    #[command(
        after_help = "Examples:\n  tandem optimize topology.json --max-cost 2500 --max-rto 900\n  tandem optimize topology.json --format json | jq '.points[0]'\n  tandem optimize topology.json --max-rpo 60 --apply 1 --out cheaper.json"
    )]
    Optimize {
        /// The topology file (`-` reads standard input).
        file: PathBuf,
        /// Leave out designs costing more than this a month (USD).
        #[arg(long, value_name = "USD")]
        max_cost: Option<f64>,
        /// Leave out designs whose RTO is longer.
        #[arg(long, value_name = "SECONDS")]
        max_rto: Option<f64>,
        /// Leave out designs whose typical RPO is longer (an unbounded RPO never fits).
        #[arg(long, value_name = "SECONDS")]
        max_rpo: Option<f64>,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
        format: AnalyzeFormat,
        #[arg(long)]
        prices: Option<PathBuf>,
        /// Write point N of the front (as numbered in the output) to --out instead of printing.
        #[arg(long, value_name = "N", requires = "out")]
        apply: Option<usize>,
        /// Where --apply writes the chosen topology.
        #[arg(long, value_name = "FILE", requires = "apply")]
        out: Option<PathBuf>,
    },
    /// Explain one rule: what it checks, why, and where to read more.
    #[command(after_help = "Example:\n  tandem explain E1002")]
    Explain { rule: String },
}

#[derive(Subcommand, Debug)]
enum PricesCommand {
    /// Read AWS Price List bulk offer files (one per service and region, as downloaded from
    /// https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json) and print a Tandem
    /// price table; each price's source names its offer file, publication date and SKU.
    #[command(
        after_help = "Example:\n  tandem prices import AmazonEC2-eu-west-1.json AmazonRDS-eu-west-1.json > prices.json\n  tandem analyze topology.json --prices prices.json"
    )]
    Import {
        /// Offer files (`index.json` of an offer and region).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum AnalyzeFormat {
    Text,
    Json,
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum SynthFormat {
    Json,
    Yaml,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RulesFormat {
    Text,
    Markdown,
    Json,
}

/// A failure to read or understand input: exit code 2.
struct InputError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, InputError> {
    match command {
        Command::Init { preset } => {
            let p = presets::preset(&preset).ok_or_else(|| {
                let ids: Vec<&str> = presets::PRESETS.iter().map(|p| p.id).collect();
                InputError(format!("no preset `{preset}`; presets: {}", ids.join(", ")))
            })?;
            if let Some(new) = presets::renamed(&preset) {
                eprintln!("note: the preset `{preset}` is now `{new}`: its templates route all traffic to the primary and fail over, which is a hot standby, not active/active");
            }
            println!("{}", tandem_engine::to_json(&p.topology()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            file,
            format,
            prices,
        } => {
            let topology = read_topology(&file)?;
            let prices = read_prices(prices.as_deref())?;
            let report = rules::check_with(&topology, &prices);
            let uri = file.display().to_string();
            match format {
                CheckFormat::Text => print!("{}", report::findings_text(&report, &uri)),
                CheckFormat::Json => println!("{}", report::findings_json(&report, &uri)),
                CheckFormat::Sarif => println!("{}", report::sarif(&report, &uri)),
            }
            Ok(exit_for(&report))
        }
        Command::Analyze {
            file,
            format,
            prices,
        } => {
            let topology = read_topology(&file)?;
            let prices = read_prices(prices.as_deref())?;
            let analysis = analyze(&topology, &prices);
            match format {
                AnalyzeFormat::Text => print!("{}", report::analysis_text(&topology, &analysis)),
                AnalyzeFormat::Json => println!("{}", report::analysis_json(&analysis)),
                AnalyzeFormat::Markdown => {
                    print!("{}", report::analysis_markdown(&topology, &analysis))
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth {
            file,
            out,
            format,
            force,
        } => {
            let topology = read_topology(&file)?;
            let report = rules::check(&topology);
            if report.has_errors() && !force {
                eprint!(
                    "{}",
                    report::findings_text(&report, &file.display().to_string())
                );
                eprintln!("error: not writing templates for a topology with error findings (use --force to write anyway)");
                return Ok(ExitCode::from(1));
            }
            let format = match format {
                SynthFormat::Json => synth::TemplateFormat::Json,
                SynthFormat::Yaml => synth::TemplateFormat::Yaml,
            };
            let files = synth::synthesize(&topology).files(format);
            std::fs::create_dir_all(&out)
                .map_err(|e| InputError(format!("cannot create `{}`: {e}", out.display())))?;
            for f in &files {
                let path = out.join(&f.name);
                std::fs::write(&path, &f.contents)
                    .map_err(|e| InputError(format!("cannot write `{}`: {e}", path.display())))?;
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { format } => {
            match format {
                RulesFormat::Markdown => print!("{}", report::rules_markdown()),
                RulesFormat::Json => println!("{}", report::rules_json()),
                RulesFormat::Text => {
                    for m in rules::all_rules() {
                        println!(
                            "{}  {:<8} {:<20} {}",
                            m.id,
                            m.severity().label(),
                            m.area().label(),
                            m.title
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Prices {
            command: PricesCommand::Import { files },
        } => {
            let mut texts = Vec::new();
            for f in &files {
                let name = f.file_name().map_or_else(
                    || f.display().to_string(),
                    |n| n.to_string_lossy().to_string(),
                );
                texts.push((name, read_file(f)?));
            }
            let import =
                tandem_engine::offers::import(&texts).map_err(|e| InputError(e.to_string()))?;
            let json = serde_json::to_string_pretty(&import.table)
                .map_err(|e| InputError(format!("cannot write the price table: {e}")))?;
            println!("{json}");
            eprintln!(
                "{} prices and {} transfer prices from {} offer files",
                import.table.prices.len(),
                import.table.transfer.len(),
                files.len()
            );
            if !import.not_found.is_empty() {
                let items: Vec<String> = import
                    .not_found
                    .iter()
                    .map(|(region, item)| format!("{region} {item}"))
                    .collect();
                eprintln!(
                    "not in these files ({}; the analysis reports them as not priced): {}",
                    items.len(),
                    items.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            input,
            scenario,
            format,
        } => simulate(&input, &scenario, format),
        Command::Optimize {
            file,
            max_cost,
            max_rto,
            max_rpo,
            format,
            prices,
            apply,
            out,
        } => optimize::run(optimize::Args {
            file,
            limits: tandem_engine::Limits {
                max_cost,
                max_rto_seconds: max_rto,
                max_rpo_seconds: max_rpo,
            },
            format,
            prices,
            apply: apply.zip(out),
        }),
        Command::Explain { rule } => {
            let m = rules::rule(&rule).ok_or_else(|| {
                InputError(format!("no rule `{rule}`; `tandem rules` lists them"))
            })?;
            println!(
                "{} ({}, {}): {}\n",
                m.id,
                m.severity().label(),
                m.area().label(),
                m.title
            );
            println!("{}\n", m.description);
            if !m.defects.is_empty() {
                let d: Vec<String> = m.defects.iter().map(u8::to_string).collect();
                println!(
                    "Catches known defect(s) {} of the design document.\n",
                    d.join(", ")
                );
            }
            println!("Source: {}", m.source);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn simulate(input: &Path, scenario: &str, format: AnalyzeFormat) -> Result<ExitCode, InputError> {
    use tandem_engine::simulate::{self, Durations, Input, Objectives, Scenario};
    let scenarios: Vec<Scenario> = if scenario == "all" {
        Scenario::ALL.to_vec()
    } else {
        let names: Vec<&str> = Scenario::ALL.iter().map(|s| s.name()).collect();
        vec![Scenario::parse(scenario).ok_or_else(|| {
            InputError(format!(
                "no scenario `{scenario}`; scenarios: {}, all",
                names.join(", ")
            ))
        })?]
    };
    let sim_input = if input.is_dir() {
        let topology = input.join("topology.json");
        let objectives = if topology.exists() {
            Objectives::of(&read_topology(&topology)?)
        } else {
            Objectives {
                rto_seconds: None,
                rpo_seconds: None,
                approval_seconds: 900,
            }
        };
        Input::from_folder(
            |name| std::fs::read_to_string(input.join(name)).ok(),
            objectives,
        )
        .map_err(|e| InputError(format!("{}: {e}", input.display())))?
    } else {
        let topology = read_topology(input)?;
        Input::from_synthesis(&synth::synthesize(&topology), &topology)
    };
    let durations = Durations::builtin()
        .ok_or_else(|| InputError("the built-in duration table is malformed".into()))?;
    let results: Vec<_> = scenarios
        .iter()
        .map(|s| simulate::simulate(&sim_input, *s, &durations))
        .collect();
    match format {
        AnalyzeFormat::Json => {
            let value = match results.as_slice() {
                [one] if scenario != "all" => serde_json::to_value(one),
                all => serde_json::to_value(all),
            }
            .map_err(|e| InputError(format!("cannot write JSON: {e}")))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        AnalyzeFormat::Text => results
            .iter()
            .for_each(|r| print!("{}", report::simulation_text(r))),
        AnalyzeFormat::Markdown => results
            .iter()
            .for_each(|r| println!("{}", report::simulation_markdown(r))),
    }
    Ok(if results.iter().any(|r| !r.violations.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn exit_for(report: &CheckReport) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a file, or standard input for `-`.
fn read_file(path: &Path) -> Result<String, InputError> {
    if path == Path::new("-") {
        let mut text = String::new();
        return std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map(|_| text)
            .map_err(|e| InputError(format!("cannot read standard input: {e}")));
    }
    std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("cannot read `{}`: {e}", path.display())))
}

fn read_topology(path: &Path) -> Result<Topology, InputError> {
    let text = read_file(path)?;
    tandem_engine::load(&text).map_err(|e| InputError(format!("{}: {e}", path.display())))
}

fn read_prices(path: Option<&Path>) -> Result<PriceTable, InputError> {
    match path {
        None => Ok(PriceTable::builtin().clone()),
        Some(p) => PriceTable::from_json(&read_file(p)?)
            .map_err(|e| InputError(format!("{}: {e}", p.display()))),
    }
}
