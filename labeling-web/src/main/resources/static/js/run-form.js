// The reward-model form: a trunk-dependent field left empty takes the default of the chosen trunk (the paper's for a
// registered model, larger steps from scratch). Each such field shows that default as its placeholder, and follows
// the trunk selector when it changes.
(function () {
    const form = document.getElementById('run-form');
    const trunk = form && form.querySelector('select[name="baseModelId"]');
    if (!trunk) return;
    const fields = form.querySelectorAll('input[data-default-trunk]');
    function showDefaults() {
        const registered = trunk.value !== '';
        fields.forEach(f => { f.placeholder = registered ? f.dataset.defaultTrunk : f.dataset.defaultScratch; });
    }
    trunk.addEventListener('change', showDefaults);
    showDefaults();
})();
