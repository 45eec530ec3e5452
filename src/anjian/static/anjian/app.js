// Anjian: behaviour without inline script (CSP script-src 'self').
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.classList && el.classList.contains("js-autosubmit") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
// "Record my position" on the hazard report page: fills the hidden latitude/longitude fields.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-geolocate]") : null;
  if (!button) return;
  var status = document.querySelector("[data-geolocate-status]");
  if (!navigator.geolocation) { if (status) status.textContent = "×"; return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.querySelector(button.getAttribute("data-lat")).value = pos.coords.latitude.toFixed(6);
    document.querySelector(button.getAttribute("data-lon")).value = pos.coords.longitude.toFixed(6);
    if (status) status.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
  }, function (err) { if (status) status.textContent = err.message; }, { timeout: 10000 });
});
