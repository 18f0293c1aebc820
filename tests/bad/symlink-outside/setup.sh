# A README that is a link to a file outside the project: it must be
# refused before it is opened (nothing of /etc/hostname reaches the site).
ln -s /etc/hostname content/models/m/README.md
