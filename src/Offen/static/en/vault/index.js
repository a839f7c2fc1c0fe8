/* placeholder: built by the front-end issue */
