"""The `homefc` command line's options, and the settings they amount to (homefc.cli runs the commands)."""

from __future__ import annotations

import argparse
from pathlib import Path

from homefc.config import DEFAULT_CONFIG, Settings, load_settings


def add_model_options(p: argparse.ArgumentParser) -> None:
    """Options that choose and tune the model, shared by every command that runs it."""
    p.add_argument("--model", help="model name (homefc/models/manifest.yaml) or GGUF file (default: the manifest's)")
    p.add_argument("--adapter", type=Path, help="GGUF LoRA adapter to apply to the model")
    p.add_argument(
        "--profile", choices=["fewshot", "tuned", "compact"], help="prompt profile (default: the model's own)"
    )
    p.add_argument("--embedder", type=Path, help="sentence-transformers model directory")
    p.add_argument("--config", type=Path, help="TOML settings file")
    p.add_argument("--top-k", type=int, help="functions offered to the model per request (default 8)")
    p.add_argument("--threads", type=int, help="CPU threads for the model (default: all cores)")
    p.add_argument("--grammar-backend", choices=["llguidance", "llamacpp"], help="constrained decoding engine")
    p.add_argument(
        "--no-fast-forward", dest="fast_forward", action="store_false", default=None, help="sample every token"
    )
    p.add_argument(
        "--no-split",
        dest="split_clauses",
        action="store_false",
        default=None,
        help="one model pass even for several actions in one sentence (default: one per clause)",
    )
    p.add_argument(
        "--no-rules",
        dest="rules",
        action="store_false",
        default=None,
        help="leave area-wide light requests and relative setpoints to the model (default: computed)",
    )
    p.add_argument(
        "--follow-up",
        dest="follow_up",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="feed read results back to the model for another round (default: when the model was trained for it)",
    )
    p.add_argument(
        "--grammar-only",
        dest="prompt_strategy",
        action="store_const",
        const="grammar-only",
        default=None,
        help="put the retrieved functions in the grammar only, not in the prompt (a prompt strategy to compare)",
    )
    p.add_argument(
        "--runtime-lora",
        dest="merge_adapter",
        action="store_false",
        default=None,
        help="apply the LoRA adapter at run time instead of the cached merged model (slower)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Every command and its options."""
    parser = argparse.ArgumentParser(
        prog="homefc", description="A local smart-home assistant: a tiny language model, grammar-constrained."
    )
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default) or ERROR")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = sub.add_parser("ask", help="turn one request into validated function calls")
    ask.add_argument("text", help="the request, e.g. 'turn off the kitchen light'")
    ask.add_argument("--area", help="area id where the speaker is (resolves 'here')")
    ask.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ask.add_argument("--execute", action="store_true", help="carry the calls out over MQTT (policy and audit apply)")
    ask.add_argument(
        "--broker", help="HOST[:PORT] for --execute (default: the config's [mqtt], else a simulated demo home)"
    )
    ask.add_argument("--yes", action="store_true", help="confirm guarded calls (unlock, disarm) without asking")
    src = ask.add_mutually_exclusive_group()
    src.add_argument("--home", type=Path, help="home inventory YAML/JSON (default: the bundled example flat)")
    src.add_argument("--tools", type=Path, help="OpenAI-style tool list JSON to use instead of a home")
    add_model_options(ask)

    ev = sub.add_parser("eval", help="score the assistant on held-out cases (state diffs or call matches)")
    ev.add_argument("cases", nargs="*", type=Path, help="case files (default: the bundled evaluation set)")
    ev.add_argument("--home", type=Path, help="home for case files that name none (overrides theirs)")
    add_model_options(ev)
    ev.add_argument("--json", type=Path, dest="json_out", help="write the summary and one record per sentence here")
    ev.add_argument("--limit", type=int, help="stop after this many sentences")
    ev.add_argument("--repeat", type=int, default=1, help="run every sentence this many times (latency spread)")
    ev.add_argument(
        "--reference",
        action="store_true",
        help="replay each case's reference calls instead of the model (checks cases)",
    )

    bench = sub.add_parser("bench", help="latency with each optimisation on and off, on generated homes")
    bench.add_argument(
        "--home-size", type=int, action="append", help="entities in the generated home (repeatable; default 500)"
    )
    bench.add_argument("--requests", type=int, default=40, help="requests per home and configuration (default 40)")
    bench.add_argument("--json", type=Path, dest="json_out", help="write the full report here")
    bench.add_argument("--markdown", type=Path, help="write the markdown table here (it is always printed)")
    add_model_options(bench)

    tools = sub.add_parser("tools", help="export a home's functions as OpenAI-style tool JSON")
    tools.add_argument("--home", type=Path, help="home inventory (default: the bundled example flat)")
    tools.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")

    disc = sub.add_parser("discover", help="build a home inventory from MQTT discovery (Home Assistant, Zigbee2MQTT)")
    disc.add_argument("--broker", help="HOST[:PORT] (default: the config's [mqtt], else 127.0.0.1:1883)")
    disc.add_argument("--seconds", type=float, default=3.0, help="how long to listen (default 3)")
    disc.add_argument("-o", "--output", type=Path, help="YAML file to write (default: stdout)")
    disc.add_argument("--config", type=Path, help="TOML settings file (its [mqtt] table)")

    chat = sub.add_parser("chat", help="a conversation with your home: the TUI, or line-based with --plain")
    chat.add_argument("--plain", action="store_true", help="line-based, no TUI (also when stdout is not a terminal)")
    chat.add_argument("--area", help="area id where the speaker is (resolves 'here')")
    chat.add_argument("--home", type=Path, help="home inventory (default: discovery, or the demo's example flat)")
    chat.add_argument("--broker", help="HOST[:PORT] (default: the config's [mqtt], else the simulated demo home)")
    add_model_options(chat)

    sim = sub.add_parser("sim", help="serve a home over MQTT as simulated Home Assistant and Zigbee2MQTT devices")
    sim.add_argument("--home", type=Path, help="home inventory (default: the bundled example flat)")
    sim.add_argument("--broker", help="HOST[:PORT] (default: the config's [mqtt], else 127.0.0.1:1883)")
    sim.add_argument("--config", type=Path, help="TOML settings file (its [mqtt] table)")
    sim.add_argument("--seconds", type=float, help="stop after this long (default: run until interrupted)")

    serve = sub.add_parser("serve", help="answer Hermes voice topics and homefc/request over MQTT (the service)")
    serve.add_argument("--broker", help="HOST[:PORT] (default: the config's [mqtt])")
    serve.add_argument("--home", type=Path, help="home inventory (default: the broker's discovery)")
    add_model_options(serve)

    config = sub.add_parser("config", help="check a settings file")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = config_sub.add_parser("check", help="validate the TOML settings and say what they amount to")
    check.add_argument("--config", type=Path, help=f"TOML settings file (default: {DEFAULT_CONFIG})")

    inst = sub.add_parser("install-service", help="install the systemd unit and a config skeleton (dry run by default)")
    inst.add_argument("--write", action="store_true", help="write the files (default: only say what would be written)")
    inst.add_argument("--root", type=Path, default=Path("/"), help="install under this directory (default /)")
    inst.add_argument("--print", dest="show", action="store_true", help="print the unit and the config skeleton")

    gen = sub.add_parser("gen-home", help="generate a large synthetic home inventory (for tests and benchmarks)")
    gen.add_argument("--entities", type=int, required=True, help="number of entities")
    gen.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    gen.add_argument("-o", "--output", type=Path, required=True, help="YAML file to write")
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The TOML settings (--config) with the model options given on the command line on top."""
    return load_settings(
        args.config,
        home=getattr(args, "home", None) if args.command != "eval" else None,
        tools=getattr(args, "tools", None),
        model=str(args.model) if args.model else None,
        adapter=args.adapter,
        prompt_profile=args.profile,
        embedder=args.embedder,
        top_k=args.top_k,
        threads=args.threads,
        grammar_backend=args.grammar_backend,
        fast_forward=args.fast_forward,
        split_clauses=args.split_clauses,
        rules=args.rules,
        follow_up=args.follow_up,
        merge_adapter=args.merge_adapter,
        prompt_strategy=args.prompt_strategy,
    )
