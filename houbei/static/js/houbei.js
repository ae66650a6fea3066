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
  for (const menu of document.querySelectorAll("details.usermenu[open]")) {
    if (!menu.contains(event.target)) {
      menu.removeAttribute("open");
    }
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    for (const menu of document.querySelectorAll("details.usermenu[open]")) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    }
  }
});
