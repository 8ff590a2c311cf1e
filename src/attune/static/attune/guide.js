// The guider's panel: follows the presentation in the other window (BroadcastChannel) and shows,
// for the moment on screen, the review question, its principles and prompts. Its buttons move
// the presentation on. It shows no media.

const data = JSON.parse(document.getElementById("guide-data").textContent);
const list = document.querySelector("[data-guide]");
const linkStatus = document.querySelector("[data-link-status]");
const channel = "BroadcastChannel" in window ? new BroadcastChannel(`attune-review-${data.cycle}`) : null;

function follow(position) {
  for (const item of list.querySelectorAll("[data-position]")) {
    const here = Number(item.dataset.position) === position;
    if (here) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
    if (here) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  list.dataset.current = String(position);
}

if (!channel) {
  linkStatus.textContent = "This browser cannot link the two windows: move through the moments by hand.";
} else {
  channel.onmessage = (event) => {
    const message = event.data || {};
    if (message.type === "moment") {
      follow(message.position);
      const extra = [message.held ? "held" : "", message.loop ? "looping" : "", message.speed !== 1 ? `${message.speed}×` : ""].filter(Boolean);
      linkStatus.textContent = `On screen: moment ${message.index + 1} of ${message.total}${extra.length ? ` (${extra.join(", ")})` : ""}.`;
    } else if (message.type === "stopped") {
      linkStatus.textContent = `The presentation stopped: ${message.reason}`;
    }
  };
  channel.postMessage({ type: "hello" });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-send]");
    if (button) channel.postMessage({ type: "command", action: button.dataset.send });
  });
}
