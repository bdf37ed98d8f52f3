/*
 * Birge: progressive-enhancement map.
 *
 * Turns every `.map[data-lat][data-lon]` element into a Leaflet map when the
 * vendored Leaflet (window.L) is loaded. Without JavaScript or Leaflet, the
 * element's server-rendered fallback text (coordinates, place name) is shown
 * unchanged. With the map, that fallback moves into a caption right below it.
 *
 * Markup (all values are treated as plain text, never as HTML):
 *   data-lat, data-lon        required, decimal degrees
 *   data-zoom                 optional, integer, default 11
 *   data-label                marker popup text and the map's aria-label
 *   data-tiles                tile URL template, e.g.
 *                             https://tile.openstreetmap.org/{z}/{x}/{y}.png
 *                             (empty: blank map with just the marker)
 *   data-attribution          tile attribution text
 *   data-icons                Leaflet marker image folder, e.g.
 *                             /static/vendor/leaflet/images/
 *   data-tiles-failed-text    notice shown when tiles are missing or fail
 *   data-zoom-in-title,       the zoom buttons' titles, in the page's language
 *   data-zoom-out-title       (Leaflet's own are English)
 *   data-leaflet-title        the title of the "Leaflet" link in the attribution
 *
 * No inline scripts or styles are needed (CSP: script-src 'self').
 */
(function () {
  'use strict';

  var DEFAULT_ZOOM = 11;
  var MAX_ZOOM = 19;

  // Leaflet's attribution control writes its text with innerHTML, so escape
  // the (plain text) attribution before handing it over.
  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
  }

  function parseCoord(value, limit) {
    if (value === null || value === undefined || String(value).trim() === '') {
      return null;
    }
    var n = Number(value);
    if (!isFinite(n) || Math.abs(n) > limit) {
      return null;
    }
    return n;
  }

  function parseZoom(value) {
    var n = parseInt(value, 10);
    if (isNaN(n)) {
      return DEFAULT_ZOOM;
    }
    return Math.max(0, Math.min(MAX_ZOOM, n));
  }

  function initMap(el) {
    var L = window.L;
    if (el.getAttribute('data-map-ready') === '1') {
      return;
    }
    var lat = parseCoord(el.getAttribute('data-lat'), 90);
    var lon = parseCoord(el.getAttribute('data-lon'), 180);
    if (lat === null || lon === null) {
      return; // keep the server-rendered fallback as it is
    }
    var zoom = parseZoom(el.getAttribute('data-zoom'));
    var label = (el.getAttribute('data-label') || '').trim();
    var tiles = (el.getAttribute('data-tiles') || '').trim();
    var attribution = (el.getAttribute('data-attribution') || '').trim();
    var icons = (el.getAttribute('data-icons') || '').trim();
    var failedText = (el.getAttribute('data-tiles-failed-text') || '').trim();
    var zoomInTitle = (el.getAttribute('data-zoom-in-title') || '').trim();
    var zoomOutTitle = (el.getAttribute('data-zoom-out-title') || '').trim();
    var leafletTitle = (el.getAttribute('data-leaflet-title') || '').trim();

    if (icons) {
      L.Icon.Default.imagePath = icons.charAt(icons.length - 1) === '/' ? icons : icons + '/';
    }

    // Move the server-rendered fallback into a caption below the map, plus an
    // (initially empty) live region for the "tiles failed" notice.
    var caption = document.createElement('div');
    caption.className = 'map-fallback';
    var notice = document.createElement('p');
    notice.className = 'map-notice';
    notice.setAttribute('role', 'status');
    caption.appendChild(notice);
    while (el.firstChild) {
      caption.appendChild(el.firstChild);
    }
    if (el.parentNode) {
      el.parentNode.insertBefore(caption, el.nextSibling);
    }

    el.setAttribute('role', 'region');
    if (label) {
      el.setAttribute('aria-label', label);
    }
    el.setAttribute('data-map-ready', '1');

    var failed = false;
    function markFailed() {
      if (failed) {
        return;
      }
      failed = true;
      el.classList.add('map-tiles-failed');
      if (failedText) {
        notice.textContent = failedText;
      }
    }

    var center = [lat, lon];
    // Leaflet's zoom buttons and attribution prefix are English: add both with the page's words.
    var map = L.map(el, {
      center: center, zoom: zoom, maxZoom: MAX_ZOOM, zoomControl: false, attributionControl: false
    });
    var zoomOptions = {};
    if (zoomInTitle) {
      zoomOptions.zoomInTitle = zoomInTitle;
    }
    if (zoomOutTitle) {
      zoomOptions.zoomOutTitle = zoomOutTitle;
    }
    L.control.zoom(zoomOptions).addTo(map);
    var prefix = '<a href="https://leafletjs.com"' +
      (leafletTitle ? ' title="' + escapeHtml(leafletTitle) + '"' : '') + '>Leaflet</a>';
    L.control.attribution({ prefix: prefix }).addTo(map);

    var markerOptions = {};
    if (label) {
      markerOptions.title = label;
      markerOptions.alt = label;
    }
    var marker = L.marker(center, markerOptions).addTo(map);
    if (label) {
      var popup = document.createElement('span');
      popup.textContent = label;
      marker.bindPopup(popup);
    }

    if (tiles) {
      var layer = L.tileLayer(tiles, {
        maxZoom: MAX_ZOOM,
        attribution: attribution ? escapeHtml(attribution) : ''
      });
      layer.on('tileerror', markFailed);
      layer.addTo(map);
    } else {
      markFailed();
    }
  }

  function initAll() {
    if (!window.L || typeof window.L.map !== 'function') {
      return; // no Leaflet: leave the text fallback in place
    }
    var els = document.querySelectorAll('.map[data-lat][data-lon]');
    for (var i = 0; i < els.length; i++) {
      try {
        initMap(els[i]);
      } catch (err) {
        if (window.console && console.error) {
          console.error('birge map:', err);
        }
      }
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})();
