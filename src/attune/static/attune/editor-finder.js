// The moment finder in the editor: how far the analysis has got, its suggestions (best first)
// with the reason for each, accept (A) and reject (X), and putting the speakers right when the
// analysis mixed up the adult and the child. Built with DOM calls only, like the other panels.

import { h } from "./editor-panels.js";
import { formatSeconds } from "./editor-time.js";

const POLL_MS = 2000;
const QUICK_REASONS = ["Not better than usual", "Speakers mixed up", "Off camera or hard to see", "Too short to show"];

function span(suggestion) {
  return `${formatSeconds(suggestion.start)}–${formatSeconds(suggestion.end)}`;
}

/** How sure the analysis is, in words and as a share (nothing for older suggestions). */
function confidence(suggestion) {
  if (suggestion.confidence === null || suggestion.confidence === undefined) return null;
  const value = suggestion.confidence;
  const word = value >= 0.75 ? "high" : value >= 0.5 ? "medium" : "low";
  return h("p", { class: "sg-confidence small muted", text: `Confidence: ${word} (${Math.round(value * 100)}%)` });
}

export class Finder {
  /**
   * @param root the editor element
   * @param options {api, urls, analysis, canEdit, timeline, colourOf(name), say, failed,
   *   now(): seconds, seek(seconds), play(start, end), onAccepted(moment, made), showMoment(id)}
   */
  constructor(root, options) {
    this.root = root;
    this.o = options;
    this.panel = root.querySelector("[data-finder]");
    this.count = root.querySelector("[data-suggestion-count]");
    this.selected = null;
    this.rejecting = null;
    this.busy = false;
    this.update(options.analysis);
  }

  // --- state ------------------------------------------------------------------------------------

  get suggestions() {
    return this.analysis.suggestions;
  }

  byId(id) {
    return this.suggestions.find((s) => s.id === id);
  }

  update(analysis) {
    this.analysis = analysis;
    if (this.selected && !this.byId(this.selected)) this.selected = null;
    this.o.timeline.setLanes(analysis.lanes);
    this.o.timeline.setSuggestions(this.suggestions, this.selected, analysis.status);
    this.render();
    const working = analysis.status === "queued" || analysis.status === "running";
    clearTimeout(this._poll);
    if (working) this._poll = setTimeout(() => this.refresh(), POLL_MS);
  }

  async refresh() {
    try {
      const before = this.analysis.status;
      this.update(await this.o.api.get(this.o.urls.analysis));
      if (before !== "done" && this.analysis.status === "done") {
        const n = this.suggestions.length;
        this.o.say(n ? `The analysis is done: ${n} suggested moment${n === 1 ? "" : "s"}.` : "The analysis is done.");
      }
    } catch {
      this._poll = setTimeout(() => this.refresh(), POLL_MS * 3);
    }
  }

  _replaceSuggestion(changed) {
    const i = this.suggestions.findIndex((s) => s.id === changed.id);
    if (i >= 0) this.suggestions[i] = { ...this.suggestions[i], ...changed };
    this.update(this.analysis);
  }

  // --- navigation -------------------------------------------------------------------------------

  select(id, { seek = true } = {}) {
    const suggestion = this.byId(id);
    if (!suggestion) return;
    this.selected = id;
    if (this.rejecting !== id) this.rejecting = null;
    if (seek) this.o.seek(suggestion.start);
    this.o.timeline.setSuggestions(this.suggestions, this.selected, this.analysis.status);
    this.render();
    this.panel.querySelector(`[data-suggestion-item="${id}"]`)?.scrollIntoView({ block: "nearest" });
  }

  /** The next (or previous) suggestion in the list, best first; the first one to start with. */
  step(direction) {
    if (!this.suggestions.length) {
      this.o.say(this._emptyMessage());
      return;
    }
    const i = this.suggestions.findIndex((s) => s.id === this.selected);
    const next = i < 0 ? (direction > 0 ? 0 : this.suggestions.length - 1) : i + direction;
    if (next < 0 || next >= this.suggestions.length) {
      this.o.say(direction > 0 ? "That was the last suggestion." : "That was the first suggestion.");
      return;
    }
    this.select(this.suggestions[next].id);
  }

  /** The selected suggestion, or the one under the playhead. */
  current() {
    if (this.selected) return this.byId(this.selected);
    const here = this.o.now();
    return this.suggestions.find((s) => s.start <= here && here < s.end) || null;
  }

  _emptyMessage() {
    const status = this.analysis.status;
    if (status === "queued" || status === "running") return "The film is still being analysed.";
    if (status === "failed") return "The analysis did not finish; ask for it again below.";
    if (status === "not_started") return "This film has not been analysed.";
    return "The analysis found no moments to suggest in this film.";
  }

  // --- decisions --------------------------------------------------------------------------------

  _mayDecide() {
    if (!this.o.canEdit) this.o.say("Only the case's guider decides on suggestions.");
    return this.o.canEdit;
  }

  async accept(id = this.current()?.id) {
    if (!this._mayDecide()) return;
    const suggestion = id && this.byId(id);
    if (!suggestion) {
      this.o.say("Select a suggestion first: N goes to the next one.");
      return;
    }
    if (suggestion.decision === "rejected") {
      this.o.say("You rejected this suggestion; undo that first to accept it.");
      return;
    }
    if (this.busy) return;
    this.busy = true;
    try {
      const moment = await this.o.api.post(`${this.o.urls.suggestion}${suggestion.id}/accept`);
      this.selected = suggestion.id;
      this._replaceSuggestion({ id: suggestion.id, decision: "accepted", moment_id: moment.id, reject_reason: "" });
      this.o.onAccepted(moment, suggestion);
    } catch (error) {
      this.o.failed(error);
    } finally {
      this.busy = false;
    }
  }

  startReject(id = this.current()?.id) {
    if (!this._mayDecide()) return;
    const suggestion = id && this.byId(id);
    if (!suggestion) {
      this.o.say("Select a suggestion first: N goes to the next one.");
      return;
    }
    if (suggestion.decision !== "open") {
      this.select(suggestion.id, { seek: false });
      this.o.say(`You ${suggestion.decision} this suggestion already; Undo reopens it.`);
      return;
    }
    this.selected = suggestion.id;
    this.rejecting = suggestion.id;
    this.o.timeline.setSuggestions(this.suggestions, this.selected, this.analysis.status);
    this.render();
    this.panel.querySelector("[data-reject-reason]")?.focus();
  }

  async reject(id, reason) {
    try {
      const changed = await this.o.api.post(`${this.o.urls.suggestion}${id}/reject`, { reason });
      this.rejecting = null;
      this._replaceSuggestion(changed);
      this.o.say("Suggestion rejected. Thank you: this helps the service see how useful suggestions are.");
    } catch (error) {
      this.o.failed(error);
    }
  }

  async reopen(id) {
    if (!this._mayDecide()) return;
    try {
      const changed = await this.o.api.post(`${this.o.urls.suggestion}${id}/reopen`);
      this._replaceSuggestion(changed);
      this.o.say(changed.moment_id ? "Reopened. The clip made from it stays until you delete it." : "Reopened.");
    } catch (error) {
      this.o.failed(error);
    }
  }

  async speakers(body, done) {
    if (!this._mayDecide()) return;
    try {
      this.update(await this.o.api.post(this.o.urls.speakers, body));
      this.o.say(done);
    } catch (error) {
      this.o.failed(error);
    }
  }

  relabelHere() {
    const here = this.o.now();
    for (const speaker of ["adult", "child"]) {
      const found = this.analysis.lanes[speaker].find(([start, end]) => start <= here && here < end);
      if (found) {
        const other = speaker === "adult" ? "child" : "adult";
        this.speakers({ action: "segment", segment: found[2], speaker: other }, `That speech is now the ${other}'s; turns and suggestions follow.`);
        return;
      }
    }
    this.o.say("There is no speech at the playhead: move it onto a bar in the Adult or Child lane.");
  }

  async reanalyse() {
    if (!this._mayDecide()) return;
    try {
      this.update(await this.o.api.post(this.o.urls.reanalyse));
      this.o.say("The film will be analysed again shortly.");
    } catch (error) {
      this.o.failed(error);
    }
  }

  // --- drawing ----------------------------------------------------------------------------------

  render() {
    const a = this.analysis;
    const open = this.suggestions.filter((s) => s.decision === "open").length;
    this.count.textContent = String(this.suggestions.length);
    this.count.title = `${open} not decided yet`;
    const parts = [this._status(a)];
    if (a.status === "done" && this.suggestions.length) {
      parts.push(h("ol", { class: "sg-list", "aria-label": "Suggested moments, best first" }, this.suggestions.map((s) => this._item(s))));
    }
    if (a.status === "done" && this.o.canEdit && (a.lanes.adult.length || a.lanes.child.length)) {
      parts.push(this._speakers(a));
    }
    this.panel.replaceChildren(...parts);
  }

  _status(a) {
    const box = h("div", { class: "sg-status", "data-analysis-status": a.status });
    if (a.status === "queued" || a.status === "running") {
      const percent = Math.round((a.progress || 0) * 100);
      box.append(
        h("p", { class: "small" }, h("strong", { text: a.status === "queued" ? "Waiting to be analysed…" : `Finding moments… ${percent}%` })),
        h("progress", { max: "100", value: a.status === "queued" ? false : String(percent), "aria-label": "Analysis progress" }),
        h("p", { class: "small muted", text: "You can work on the film meanwhile; suggestions appear here when it is done." }),
      );
      return box;
    }
    if (a.status === "failed" || a.status === "not_started") {
      box.append(h("p", { class: a.status === "failed" ? "sg-error small" : "small muted", text: a.status === "failed" ? a.failure_reason || "The analysis did not finish." : "This film has not been analysed." }));
      if (this.o.canEdit) box.append(h("button", { class: "button small", type: "button", onclick: () => this.reanalyse() }, a.status === "failed" ? "Analyse again" : "Analyse the film"));
      return box;
    }
    const accepted = this.suggestions.filter((s) => s.decision === "accepted").length;
    const rejected = this.suggestions.filter((s) => s.decision === "rejected").length;
    const n = this.suggestions.length;
    box.append(
      h(
        "p",
        { class: "small" },
        n ? `${n} suggested moment${n === 1 ? "" : "s"}` : "No suggested moments",
        n ? h("span", { class: "muted", text: ` · ${accepted} accepted · ${rejected} rejected` }) : null,
      ),
    );
    for (const note of a.notes) box.append(h("p", { class: "sg-note small", role: "note", text: note }));
    if (n) box.append(h("p", { class: "small muted sg-help" }, "Suggestions are a starting point: watch each one. ", h("kbd", { text: "N" }), " next, ", h("kbd", { text: "A" }), " accept as a clip, ", h("kbd", { text: "X" }), " reject."));
    return box;
  }

  _item(s) {
    const selected = s.id === this.selected;
    const item = h("li", { class: `sg-item is-${s.decision}${selected ? " is-selected" : ""}`, "data-suggestion-item": s.id });
    const state = { open: null, accepted: "Accepted", rejected: "Rejected" }[s.decision];
    item.append(
      h(
        "button",
        { class: "sg-head", type: "button", "aria-pressed": selected ? "true" : "false", onclick: () => this.select(s.id) },
        h("span", { class: "sg-rank", text: String(s.rank) }),
        h("span", { class: "sg-time", text: span(s) }),
        state ? h("span", { class: `sg-state sg-state-${s.decision}`, text: state }) : null,
      ),
      h("p", { class: "sg-reason", text: s.reason }),
      confidence(s),
      h(
        "div",
        { class: "sg-principles", "aria-label": "May show" },
        s.principles.map((name) => h("span", { class: "sg-principle", style: { "--chip": this.o.colourOf(name) }, text: name })),
      ),
    );
    const actions = h("div", { class: "sg-actions" });
    actions.append(h("button", { class: "link-button", type: "button", onclick: () => this.o.play(s.start, s.end), "aria-label": `Play suggestion ${s.rank}` }, "▶ Play"));
    if (s.decision === "open" && this.o.canEdit) {
      actions.append(
        h("button", { class: "button small primary", type: "button", "data-accept": s.id, onclick: () => this.accept(s.id), title: "Accept as a clip (A)" }, "Accept", selected ? h("kbd", { text: "A" }) : null),
        h("button", { class: "button small", type: "button", onclick: () => this.startReject(s.id), title: "Reject (X)" }, "Reject", selected ? h("kbd", { text: "X" }) : null),
      );
    } else if (s.decision === "accepted") {
      if (s.moment_id) actions.append(h("button", { class: "button small", type: "button", onclick: () => this.o.showMoment(s.moment_id) }, "Show the clip"));
      if (this.o.canEdit) actions.append(h("button", { class: "link-button", type: "button", onclick: () => this.reopen(s.id) }, "Undo"));
    } else if (s.decision === "rejected") {
      if (s.reject_reason) actions.append(h("span", { class: "small muted sg-why", text: `“${s.reject_reason}”` }));
      if (this.o.canEdit) actions.append(h("button", { class: "link-button", type: "button", onclick: () => this.reopen(s.id) }, "Undo"));
    }
    item.append(actions);
    if (this.rejecting === s.id) item.append(this._rejectForm(s));
    return item;
  }

  _rejectForm(s) {
    const input = h("input", { type: "text", maxlength: "2000", "data-reject-reason": "", "aria-label": "Why not? (optional)", placeholder: "Why not? (optional)", list: "reject-reasons" });
    const form = h(
      "form",
      {
        class: "sg-reject",
        onsubmit: (event) => {
          event.preventDefault();
          this.reject(s.id, input.value);
        },
        onkeydown: (event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            this.rejecting = null;
            this.render();
          }
        },
      },
      h("label", { class: "small", text: "Why not? (optional)" }),
      input,
      h("datalist", { id: "reject-reasons" }, QUICK_REASONS.map((r) => h("option", { value: r }))),
      h(
        "div",
        { class: "sg-actions" },
        h("button", { class: "button small", type: "submit" }, "Reject"),
        h(
          "button",
          {
            class: "link-button",
            type: "button",
            onclick: () => {
              this.rejecting = null;
              this.render();
            },
          },
          "Cancel",
        ),
      ),
    );
    return form;
  }

  _speakers(a) {
    return h(
      "details",
      {
        class: "sg-speakers",
        open: this.speakersOpen || false,
        ontoggle: (event) => {
          this.speakersOpen = event.target.open;
        },
      },
      h("summary", { class: "small" }, "Adult and child mixed up?"),
      h("p", { class: "small muted", text: "The analysis tells the voices apart within this film. If it got them wrong, put them right: the turns and suggestions are worked out again from your labels (decisions you made are kept)." }),
      h(
        "div",
        { class: "sg-actions" },
        h("button", { class: "button small", type: "button", onclick: () => this.speakers({ action: "swap" }, "Adult and child swapped.") }, "Swap adult and child"),
        h("button", { class: "button small", type: "button", onclick: () => this.relabelHere(), title: "Give the speech under the playhead to the other speaker" }, "Change the voice at the playhead"),
        h("button", { class: "button small", type: "button", onclick: () => this.speakers({ action: "merge", speaker: "adult" }, "All speech is now the adult's.") }, "All one voice: the adult"),
        h("button", { class: "button small", type: "button", onclick: () => this.speakers({ action: "merge", speaker: "child" }, "All speech is now the child's.") }, "All one voice: the child"),
        a.relabelled ? h("button", { class: "link-button", type: "button", onclick: () => this.speakers({ action: "reset" }, "Back to the speakers the analysis heard.") }, "Undo my changes") : null,
      ),
    );
  }
}
