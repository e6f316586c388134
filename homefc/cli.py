"""`homefc` command line: a thin front door over the assistant."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from homefc.cli_args import build_parser, settings_from_args
from homefc.config import DEFAULT_CONFIG
from homefc.errors import HomefcError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _cmd_ask(args: argparse.Namespace) -> int:
    from homefc.factory import build_assistant

    settings = settings_from_args(args)
    if args.execute:
        return _ask_and_execute(args, settings)
    assistant = build_assistant(settings)
    result = assistant.ask(args.text, context_area=args.area)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return EXIT_FAIL if result.error else EXIT_OK
    for call in result.calls:
        print(call.render())
    for line in [result.answer] if result.answer is not None else result.unmet:
        print(line)
    if result.truncated:
        print(f"(the request was cut to {len(result.text)} characters)")
    cands = ", ".join(f"{c.function.key} {c.score:.2f}" for c in result.candidates)
    t, s = result.timings, result.stats
    print(f"\ncandidates ({len(result.candidates)}): {cands}")
    print(
        f"timings: retrieve {t.retrieve_ms:.0f} ms · grammar {t.grammar_ms:.1f} ms · prefill {t.prefill_ms:.0f} ms"
        f" · decode {t.decode_ms:.0f} ms · total {t.total_ms:.0f} ms"
    )
    if s:
        print(
            f"tokens: prompt {s['prompt_tokens']} (+{s['cached_tokens']} cached) · output {s['output_tokens']}"
            f" ({s['forced_tokens']} forced, {s['sampled_tokens']} sampled) · {s['forward_passes']} forward passes"
        )
    if result.error:
        print(f"homefc: error: the model produced nothing usable: {result.error}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def _ask_and_execute(args: argparse.Namespace, settings) -> int:  # type: ignore[no-untyped-def]
    from homefc.domains import load_domains
    from homefc.home import bundled_home, load_home

    if settings.tools is not None:
        raise HomefcError("--execute needs a home, not a tool list")
    domains = load_domains(settings.domains)
    if settings.mqtt is not None or args.broker:
        home = load_home(settings.home) if settings.home else None
        return _execute(args, settings, broker_settings(args.broker, args.config), domains, home)
    from homefc.mqtt.demo import demo_policy, demo_world

    home = load_home(settings.home or bundled_home())
    with demo_world(home, domains) as world:
        print(world.describe(), flush=True)
        demo = settings.model_copy(update={"policy": demo_policy(settings.policy)})
        return _execute(args, demo, world.broker, domains, None)


def _execute(args: argparse.Namespace, settings, broker, domains, home) -> int:  # type: ignore[no-untyped-def]
    from homefc.factory import assistant_factory
    from homefc.mqtt.session import open_session

    session = open_session(settings, broker, domains, home)
    try:
        result = assistant_factory(settings, domains)(session.catalog).ask(
            args.text, context_area=args.area, states=session.live.states
        )
        if result.error:
            print(f"homefc: error: the model produced nothing usable: {result.error}", file=sys.stderr)
            return EXIT_FAIL
        if result.answer is not None:
            print(result.answer)
        failed = False
        for call in result.calls:
            outcome = session.executor.execute(call, text=result.text)
            if outcome.status == "needs_confirmation":
                yes = args.yes or (sys.stdin.isatty() and input(f"{outcome.message}. Go ahead? [y/N] ").lower() == "y")
                outcome = session.executor.execute(call, text=result.text, confirmed=yes) if yes else outcome
            failed |= outcome.status in ("failed", "timeout", "unavailable")
            print(f"{call.render()}: {outcome.status}: {outcome.message}")
        for line in result.unmet:
            print(line)
        return EXIT_FAIL if failed else EXIT_OK
    finally:
        session.close()


def _cmd_chat(args: argparse.Namespace) -> int:
    from homefc.chat import open_chat, run_plain, run_tui
    from homefc.domains import load_domains

    settings = settings_from_args(args)
    if settings.tools is not None:
        raise HomefcError("chat needs a home, not a tool list")
    broker = broker_settings(args.broker, args.config) if (settings.mqtt is not None or args.broker) else None
    plain = args.plain or not sys.stdout.isatty()
    try:
        with open_chat(settings, load_domains(settings.domains), broker, args.area) as world:
            return run_plain(world.conversation, world.banner) if plain else run_tui(world)
    except HomefcError as exc:
        if plain:
            raise
        from homefc.tui.problem import ProblemApp

        ProblemApp(str(exc)).run()
        print(f"homefc: error: {exc}", file=sys.stderr)
        return EXIT_FAIL


def _cmd_sim(args: argparse.Namespace) -> int:
    import time

    from homefc.domains import load_domains
    from homefc.home import bundled_home, load_home
    from homefc.mqtt.sim import SimulatedHome

    settings = broker_settings(args.broker, args.config)
    home = load_home(args.home or bundled_home())
    sim = SimulatedHome(home, load_domains(), settings).start()
    skipped = f"; not carried over MQTT: {', '.join(e.id for e in sim.skipped)}" if sim.skipped else ""
    print(f"simulating {len(sim.devices)} entities of {home.name} on {settings.address}{skipped}", flush=True)
    try:
        if args.seconds is not None:
            time.sleep(args.seconds)
        else:
            while True:
                time.sleep(3600)
    finally:
        sim.stop()
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from homefc.domains import load_domains
    from homefc.eval.cases import load_case_file
    from homefc.eval.report import records_json, render, summarise
    from homefc.eval.runner import Evaluator
    from homefc.factory import assistant_factory
    from homefc.resources import BUNDLED_EVAL

    settings = settings_from_args(args)
    files = args.cases or sorted(BUNDLED_EVAL.glob("*.yaml"))
    if not files:
        raise HomefcError("no evaluation case files given or bundled")
    loaded = [load_case_file(f, args.home) for f in files]
    domains = load_domains(settings.domains)
    evaluator = Evaluator(domains, None if args.reference else assistant_factory(settings, domains))
    records = []
    for item in loaded:
        for record in evaluator.run(
            item, limit=None if args.limit is None else args.limit - len(records), repeat=args.repeat
        ):
            records.append(record)
            if not record.passed:
                logging.getLogger("homefc.eval").info(
                    "FAIL %s #%d: %s: %s", record.file, record.case, record.sentence, record.reason
                )
    summary = summarise(records)
    print(render(summary))
    if args.json_out:
        args.json_out.write_text(
            json.dumps({"summary": summary, "records": records_json(records)}, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    return EXIT_OK


def _cmd_tools(args: argparse.Namespace) -> int:
    from homefc.catalog import build_catalog, dump_tools
    from homefc.domains import load_domains
    from homefc.home import bundled_home, load_home

    text = dump_tools(build_catalog(load_home(args.home or bundled_home()), load_domains()))
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return EXIT_OK


def _cmd_gen_home(args: argparse.Namespace) -> int:
    from homefc.home import write_home
    from homefc.homegen import generate_home

    if args.entities < 1:
        raise HomefcError("--entities must be at least 1")
    write_home(generate_home(args.entities, seed=args.seed), args.output)
    print(f"wrote {args.entities} entities to {args.output}")
    return EXIT_OK


def broker_settings(spec: str | None, config: Path | None):  # type: ignore[no-untyped-def]
    """The config's [mqtt] settings with HOST[:PORT] from the command line on top."""
    from homefc.config import load_settings
    from homefc.mqtt.client import BrokerSettings

    settings = load_settings(config).mqtt or BrokerSettings()
    if spec:
        host, sep, port = spec.rpartition(":")
        if not sep:
            host, port = spec, str(settings.port)
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise HomefcError(f"--broker {spec}: expected HOST or HOST:PORT")
        settings = settings.model_copy(update={"host": host, "port": int(port)})
    return settings


def _cmd_discover(args: argparse.Namespace) -> int:
    import yaml

    from homefc.home import write_home
    from homefc.mqtt.discover import discover

    settings = broker_settings(args.broker, args.config)
    if args.seconds <= 0:
        raise HomefcError("--seconds must be positive")
    home, messages = discover(settings, args.seconds)
    if not home.entities:
        raise HomefcError(
            f"MQTT broker {settings.address}: no usable discovery messages in {args.seconds:g} s "
            f"({messages} seen under {settings.discovery_prefix}/ and {settings.z2m_base}/bridge/devices)"
        )
    summary = f"discovered {len(home.entities)} entities in {len(home.areas)} areas from {messages} messages"
    if args.output:
        write_home(home, args.output)
        print(f"{summary}; wrote {args.output}")
    else:
        print(yaml.safe_dump(home.model_dump(exclude_none=True), sort_keys=False, allow_unicode=True), end="")
        print(summary, file=sys.stderr)
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from homefc.bench import render_markdown, run_bench, write_report

    sizes = args.home_size or [500]
    if min(sizes) < 20 or args.requests < 1:
        raise HomefcError("--home-size must be at least 20 and --requests at least 1")
    report = run_bench(settings_from_args(args), sizes, args.requests)
    write_report(report, args.json_out)
    table = render_markdown(report)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    print(table, end="")
    return EXIT_OK


def _config_path(args: argparse.Namespace) -> Path:
    """--config, else the system-wide default (which must exist for the service)."""
    return args.config if args.config is not None else DEFAULT_CONFIG


def _cmd_serve(args: argparse.Namespace) -> int:
    from homefc.service import serve, setup_logging

    args.config = _config_path(args)
    setup_logging(args.log_level)
    settings = settings_from_args(args)
    if settings.tools is not None:
        raise HomefcError("serve needs a home (or the broker's discovery), not a tool list")
    if settings.mqtt is None and not args.broker:
        raise HomefcError(f"{args.config}: no [mqtt] table and no --broker: serve needs a broker")
    return serve(settings, broker_settings(args.broker, args.config))


def _cmd_config(args: argparse.Namespace) -> int:
    from homefc.config import load_settings
    from homefc.domains import load_domains
    from homefc.home import load_home
    from homefc.resources import resolve_model
    from homefc.service import check_sites

    path = _config_path(args)
    settings = load_settings(path)
    choice = resolve_model(settings.model, settings.adapter, settings.prompt_profile)
    load_domains(settings.domains)
    home = load_home(settings.home) if settings.home else None
    problems = check_sites(settings, home) if home is not None else []
    for problem in problems:
        print(f"homefc: error: {path}: {problem}", file=sys.stderr)
    if problems:
        return EXIT_FAIL
    broker = settings.mqtt
    user, password = broker.credentials() if broker else (None, None)
    login = f" as {user}" + (" (password set)" if password else " (no password)") if user else " anonymously"
    writes = ", ".join(r.describe() for r in settings.policy.allow_writes) or "none (read-only)"
    print(f"{path}: valid")
    print(f"  model: {choice.base.name}" + (f" + {choice.adapter.name}" if choice.adapter else ""))
    print(f"  home: {settings.home or 'from MQTT discovery'}")
    print(f"  broker: {broker.address + login if broker else 'none (serve needs [mqtt] or --broker)'}")
    print(f"  writes allowed: {writes}")
    hermes = "Hermes voice topics and " if settings.serve.hermes else ""
    print(f"  serves: {hermes}{settings.serve.request_topic}; queue {settings.serve.queue_size} per site")
    return EXIT_OK


def _cmd_install_service(args: argparse.Namespace) -> int:
    from homefc.install import install, plan

    planned = plan(args.root)
    if args.show:
        for item in planned:
            print(f"# --- {item.path}\n{item.text}")
    for line in install(planned, write=args.write):
        print(line)
    if not args.write:
        print("dry run: nothing written; add --write to install (as root)")
    else:
        print("next: systemctl daemon-reload && systemctl enable --now homefc; journalctl -u homefc -f")
    return EXIT_OK


COMMANDS = {
    "ask": _cmd_ask,
    "eval": _cmd_eval,
    "bench": _cmd_bench,
    "tools": _cmd_tools,
    "gen-home": _cmd_gen_home,
    "discover": _cmd_discover,
    "sim": _cmd_sim,
    "chat": _cmd_chat,
    "serve": _cmd_serve,
    "config": _cmd_config,
    "install-service": _cmd_install_service,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 failure, 2 usage)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except HomefcError as exc:
        print(f"homefc: error: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except OSError as exc:
        print(f"homefc: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
