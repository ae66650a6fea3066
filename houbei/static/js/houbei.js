// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
  // A tap outside the open user menu closes it, as menus do.
  for (const menu of document.querySelectorAll("details.usermenu[open], details.nav-more[open]")) {
    if (!menu.contains(event.target)) {
      menu.removeAttribute("open");
    }
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    for (const menu of document.querySelectorAll("details.usermenu[open], details.nav-more[open]")) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    }
  }
});

// "Copy link" buttons (sign-up links): the secretary pastes the link into WeChat.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.getAttribute("data-copy"));
    button.textContent = button.getAttribute("data-copied") || "✓";
  } catch {
    button.previousElementSibling?.select();
  }
});

// "Print" buttons (the registration form).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// On a phone the section tabs scroll sideways: keep the current one in view.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".tabs [aria-current='page']");
  current?.scrollIntoView({ block: "nearest", inline: "center" });
});

// A button with data-busy says what is happening and cannot be pressed twice while a slow
// form (a file check, an import) is being sent.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-busy]");
  if (button) {
    button.textContent = button.getAttribute("data-busy");
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});
