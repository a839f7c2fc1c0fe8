/* Offen script.js placeholder: the browser clients are built by the front-end issue. */
