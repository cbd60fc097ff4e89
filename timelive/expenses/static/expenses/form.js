// The expense form: picking an expense code or a payment method sets the
// billable and reimbursable boxes to its defaults (the page works without it).
(function () {
  "use strict";
  function follow(selectId, boxId, attribute) {
    var select = document.getElementById(selectId);
    var box = document.getElementById(boxId);
    if (!select || !box) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var value = option ? option.getAttribute(attribute) : null;
      if (value === "1" || value === "0") { box.checked = value === "1"; }
    });
  }
  follow("id_expense_code", "id_billable", "data-billable");
  follow("id_payment_method", "id_reimbursable", "data-reimbursable");
  // Show the code's unit beside the quantity.
  var code = document.getElementById("id_expense_code");
  var quantity = document.getElementById("id_quantity");
  if (code && quantity) {
    var show = function () {
      var option = code.options[code.selectedIndex];
      quantity.placeholder = option && option.getAttribute("data-unit") ? option.getAttribute("data-unit") : "";
    };
    code.addEventListener("change", show);
    show();
  }
}());
