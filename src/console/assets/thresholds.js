// Thresholds page: a range slider beside the recall target. Moving it sets the number field and
// chooses by recall; letting go submits the form, which works as well without this script.
(function () {
  'use strict';
  var form = document.querySelector('form[data-testid=threshold-form]');
  var recall = form && form.querySelector('input[name=recall]');
  if (!recall) return;
  var slider = document.createElement('input');
  slider.type = 'range';
  slider.min = '0.8';
  slider.max = '1';
  slider.step = '0.001';
  slider.value = recall.value;
  slider.className = 'recall-slider';
  slider.setAttribute('aria-label', 'recall target (slider)');
  slider.setAttribute('data-testid', 'recall-slider');
  recall.insertAdjacentElement('afterend', slider);
  var byRecall = form.querySelector('input[name=choose][value=recall]');
  slider.addEventListener('input', function () {
    recall.value = slider.value;
    if (byRecall) byRecall.checked = true;
  });
  slider.addEventListener('change', function () {
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
  recall.addEventListener('input', function () {
    if (byRecall) byRecall.checked = true;
    if (Number(recall.value) >= 0.8 && Number(recall.value) <= 1) slider.value = recall.value;
  });
})();
