// Keeps a workflow job's graph, timeline and steps current on the dashboard's job page while the job runs: the
// service renders the block again (its data-live-url) every two seconds, and the block is swapped, until the block
// says the job has ended. Served inside Hangfire's own script bundle, so the page needs no inline script and no CDN.
(function () {
    'use strict';
    var interval = 2000;

    function refresh(block) {
        if (block.getAttribute('data-ended') === 'true') {
            return;
        }

        window.setTimeout(function () {
            fetch(block.getAttribute('data-live-url'), { credentials: 'same-origin', cache: 'no-store' })
                .then(function (response) {
                    if (!response.ok) {
                        throw new Error('HTTP ' + response.status);
                    }

                    return response.text();
                })
                .then(function (html) {
                    var holder = document.createElement('div');
                    holder.innerHTML = html;
                    var fresh = holder.firstElementChild;
                    if (!fresh || fresh.id !== block.id) {
                        // Signed out meanwhile (the answer is the sign-in page): show it rather than polling on.
                        window.location.reload();
                        return;
                    }

                    block.replaceWith(fresh);
                    refresh(fresh);
                })
                .catch(function () {
                    refresh(block);
                });
        }, interval);
    }

    var block = document.getElementById('workflow-live');
    if (block) {
        refresh(block);
    }
})();
