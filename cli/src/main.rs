//! `tandem`: the engine for CI pipelines. A thin front: it reads files, calls the engine,
//! writes results to stdout and errors to stderr.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tandem_engine::rules;

#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    about = "Check, analyse and synthesize two-region AWS DR topologies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List every rule.
    ///
    /// Example: tandem rules --format markdown > docs/rules.md
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RulesFormat {
    Text,
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Rules { format } => {
            match format {
                RulesFormat::Markdown => print!("{}", tandem_engine::report::rules_markdown()),
                RulesFormat::Text => {
                    for m in rules::all_rules() {
                        println!("{}  {:<8} {}", m.id, m.severity().label(), m.title);
                    }
                }
            }
            ExitCode::SUCCESS
        }
    }
}
