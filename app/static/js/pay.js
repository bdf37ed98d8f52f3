/*
 * Birge: pay a pledge by card with Stripe.js.
 *
 * The card element is Stripe's: card details go from the browser to Stripe, never to Birge.
 *   1. Stripe.js turns the card into a payment method; only its id is sent to Birge.
 *   2. Birge records the pledge and creates a PaymentIntent for it (POST data-intent-url).
 *   3. Birge asks Stripe to charge the card (POST confirm_url); when the bank wants 3-D Secure,
 *      stripe.confirmCardPayment() shows it.
 *   4. The page goes to the pledge's "processing" page. Nothing here marks a pledge paid: that
 *      happens only when Stripe's signed webhook reaches Birge.
 *
 * Markup (#card-form), all values plain text:
 *   data-publishable-key, data-intent-url, data-csrf-token,
 *   data-text-working, data-text-card-unreadable, data-text-failed, data-text-unavailable
 * The form holds #card-element (where the card element mounts), #card-errors, #card-status,
 * #card-submit and the hidden input "payment_method". No inline script (CSP script-src 'self').
 */
(function () {
  'use strict';

  var form = document.getElementById('card-form');
  if (!form) {
    return;
  }
  var data = form.dataset;
  var errors = document.getElementById('card-errors');
  var status = document.getElementById('card-status');
  var submit = document.getElementById('card-submit');

  function showError(message) {
    var line = document.createElement('p');
    line.className = 'field-error';
    line.textContent = message || data.textFailed;
    errors.replaceChildren(line);
    errors.hidden = false;
    status.textContent = '';
    submit.disabled = false;
  }

  function clearError() {
    errors.replaceChildren();
    errors.hidden = true;
  }

  if (typeof window.Stripe !== 'function') {
    showError(data.textUnavailable);
    submit.disabled = true;
    return;
  }

  var stripe = window.Stripe(data.publishableKey);
  var card = stripe.elements().create('card');
  card.mount('#card-element');
  submit.disabled = false;

  function stripeMessage(error) {
    return (error && error.message) || data.textCardUnreadable;
  }

  // The id of a payment method for the card. Stripe.js's createPaymentMethod gives it; a Stripe.js
  // without it (localstripe's stand-in answers nothing) still tokenizes the card, and the token's
  // card id is what the PaymentIntents API takes in its place.
  async function paymentMethodId() {
    var result = await stripe.createPaymentMethod({type: 'card', card: card});
    if (result && result.error) {
      throw new Error(stripeMessage(result.error));
    }
    if (result && result.paymentMethod) {
      return result.paymentMethod.id;
    }
    var tokenResult = await stripe.createToken(card);
    if (!tokenResult || tokenResult.error || !tokenResult.token) {
      throw new Error(stripeMessage(tokenResult && tokenResult.error));
    }
    return tokenResult.token.card.id;
  }

  async function post(url, body) {
    var response = await fetch(url, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: {'Accept': 'application/json', 'X-CSRFToken': data.csrfToken},
    });
    var answer = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      var error = answer.error;
      throw new Error((error && error.message) || (typeof error === 'string' && error) || data.textFailed);
    }
    return answer;
  }

  async function pay() {
    var methodId = await paymentMethodId();
    form.elements.payment_method.value = methodId;
    var started = await post(data.intentUrl, new FormData(form));

    var confirmBody = new FormData();
    confirmBody.append('csrf_token', data.csrfToken);
    var confirmed = await post(started.confirm_url, confirmBody);
    if (confirmed.status === 'requires_action') {
      var result = await stripe.confirmCardPayment(confirmed.client_secret);
      if (result && result.error) {
        throw new Error(stripeMessage(result.error));
      }
    }
    window.location.assign(started.processing_url);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearError();
    submit.disabled = true;
    status.textContent = data.textWorking;
    pay().catch(function (error) {
      showError(error && error.message);
    });
  });
})();
