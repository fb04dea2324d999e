// Keyboard-first labeling: 1-9 answer a pairwise comparison (5 only where ties are allowed),
// 1-4 pick a best-of-4 candidate, F flags the post (cycles the flag reasons), and the form is sent at once;
// S opens the skip form (a reason, then Enter or the Skip button).
(function () {
  'use strict';
  var form = document.getElementById('label-form');
  if (!form) {
    return;
  }
  var mode = form.getAttribute('data-mode');
  var sent = false;

  function answer(key) {
    var input = mode === 'BEST_OF_4'
      ? document.getElementById('choice-' + (key - 1))
      : document.getElementById('confidence-' + key);
    if (!input || sent) {
      return;
    }
    input.checked = true;
    sent = true;
    HTMLFormElement.prototype.submit.call(form);
  }

  function cycleFlag() {
    var flag = document.getElementById('flag');
    flag.selectedIndex = (flag.selectedIndex + 1) % flag.options.length;
  }

  function openSkip() {
    var skip = document.getElementById('skip');
    if (!skip) {
      return;
    }
    skip.open = true;
    var reason = skip.querySelector('input[name=reason]:checked') || skip.querySelector('input[name=reason]');
    if (reason) {
      reason.focus();
    }
  }

  form.addEventListener('submit', function () { sent = true; });

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' && target.type === 'text')) {
      return;
    }
    if (target && target.closest && target.closest('#skip-form')) {
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      event.preventDefault();
      answer(parseInt(event.key, 10));
    } else if (event.key === 'f' || event.key === 'F') {
      event.preventDefault();
      cycleFlag();
    } else if (event.key === 's' || event.key === 'S') {
      event.preventDefault();
      openSkip();
    }
  });
})();
