"""The call inspector: what one turn did, from retrieval to the device's answer."""

from __future__ import annotations

from rich.text import Text

from homefc.conversation import Reply

SHOWN_CANDIDATES = 8


def inspect(reply: Reply) -> Text:
    """Candidates with scores, grammar size, calls, policy decisions, outcomes and the time split of a turn."""
    out = Text()
    for step in reply.steps:
        out.append(f"{step.kind}: ", style="bold")
        out.append(f"{step.text}\n")
        result = step.result
        if result is None:
            continue
        if result.rounds:
            out.append("  given: ", style="dim")
            out.append(f"{result.rounds[-1][1]}\n")
        cands = ", ".join(f"{c.function.key} {c.score:.2f}" for c in result.candidates[:SHOWN_CANDIDATES])
        out.append("  candidates: ", style="dim")
        out.append(f"{cands or 'none'}\n")
        s, t = result.stats, result.timings
        out.append("  grammar: ", style="dim")
        out.append(f"{s.get('grammar_bytes', 0)} bytes · output {s.get('output_tokens', 0)} tokens, ")
        out.append(f"{s.get('forced_tokens', 0)} forced, {s.get('forward_passes', 0)} forward passes\n")
        out.append("  time: ", style="dim")
        out.append(f"retrieve {t.retrieve_ms:.0f} ms · prefill {t.prefill_ms:.0f} ms · decode {t.decode_ms:.0f} ms\n")
        if result.error:
            out.append(f"  unusable output: {result.error}\n", style="red")
        elif result.answer is not None and not result.calls:
            out.append(f"  answer: {result.answer}\n")
        elif result.rounds and not result.calls:
            out.append("  nothing more to do\n")
    for outcome in reply.outcomes:
        style = "green" if outcome.ok else "yellow" if outcome.status == "needs_confirmation" else "red"
        out.append(f"{outcome.call.render()}\n", style="bold")
        out.append(f"  policy {outcome.decision} → {outcome.status}: {outcome.message}\n", style=style)
    if reply.outcomes:
        out.append(f"execute {reply.execute_ms:.0f} ms\n", style="dim")
    return out
