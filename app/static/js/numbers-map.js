/*
 * Birge in numbers: every public project as a marker, close ones clustered.
 *
 * Turns `.cluster-map` into a Leaflet map when the vendored Leaflet and
 * Leaflet.markercluster are loaded (this page only). The markers come from
 * the page's own list of projects (`[data-map-points] li[data-lat][data-lon]`,
 * each with a link), which stays on the page as the text alternative.
 * Without JavaScript the map's fallback text is shown unchanged.
 *
 * Map element attributes (plain text): data-tiles, data-attribution,
 * data-icons, data-label, data-zoom-in-title, data-zoom-out-title,
 * data-tiles-failed-text. CSP: script-src 'self', no inline script.
 */
(function () {
  'use strict';

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function attr(el, name) {
    return (el.getAttribute(name) || '').trim();
  }

  function points() {
    var found = [];
    var items = document.querySelectorAll('[data-map-points] li[data-lat][data-lon]');
    for (var i = 0; i < items.length; i++) {
      var lat = Number(items[i].getAttribute('data-lat'));
      var lon = Number(items[i].getAttribute('data-lon'));
      var link = items[i].querySelector('a');
      if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || !link) {
        continue;
      }
      found.push({ lat: lat, lon: lon, title: link.textContent, href: link.getAttribute('href') });
    }
    return found;
  }

  function init(el) {
    var L = window.L;
    var icons = attr(el, 'data-icons');
    if (icons) {
      L.Icon.Default.imagePath = icons.charAt(icons.length - 1) === '/' ? icons : icons + '/';
    }
    var notice = document.createElement('p');
    notice.className = 'map-notice';
    notice.setAttribute('role', 'status');
    var caption = document.createElement('div');
    caption.className = 'map-fallback';
    caption.appendChild(notice);
    while (el.firstChild) {
      caption.appendChild(el.firstChild);
    }
    el.parentNode.insertBefore(caption, el.nextSibling);
    el.setAttribute('role', 'region');
    if (attr(el, 'data-label')) {
      el.setAttribute('aria-label', attr(el, 'data-label'));
    }

    var map = L.map(el, { center: [41.3, 74.8], zoom: 6, maxZoom: 18, zoomControl: false, attributionControl: false });
    var zoomOptions = {};
    if (attr(el, 'data-zoom-in-title')) { zoomOptions.zoomInTitle = attr(el, 'data-zoom-in-title'); }
    if (attr(el, 'data-zoom-out-title')) { zoomOptions.zoomOutTitle = attr(el, 'data-zoom-out-title'); }
    L.control.zoom(zoomOptions).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);

    var cluster = L.markerClusterGroup();
    var all = points();
    for (var i = 0; i < all.length; i++) {
      var marker = L.marker([all[i].lat, all[i].lon], { title: all[i].title, alt: all[i].title });
      var link = document.createElement('a');
      link.textContent = all[i].title;
      link.setAttribute('href', all[i].href);
      marker.bindPopup(link);
      cluster.addLayer(marker);
    }
    map.addLayer(cluster);
    if (all.length) {
      map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 11 });
    }

    var tiles = attr(el, 'data-tiles');
    var failed = attr(el, 'data-tiles-failed-text');
    function markFailed() {
      el.classList.add('map-tiles-failed');
      if (failed) { notice.textContent = failed; }
    }
    if (tiles) {
      var layer = L.tileLayer(tiles, { maxZoom: 18, attribution: escapeHtml(attr(el, 'data-attribution')) });
      layer.on('tileerror', markFailed);
      layer.addTo(map);
    } else {
      markFailed();
    }
  }

  function initAll() {
    if (!window.L || typeof window.L.markerClusterGroup !== 'function') {
      return; // no Leaflet: the list of projects stays the way to them
    }
    var els = document.querySelectorAll('.cluster-map');
    for (var i = 0; i < els.length; i++) {
      try {
        init(els[i]);
      } catch (err) {
        if (window.console && console.error) { console.error('birge numbers map:', err); }
      }
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})();
