# Grows model.yaml (valid so far) past 50 MB with comment lines, so that
# only the size limit (16 MiB) can stop it; the file is not committed.
yes '# padding padding padding padding padding padding padding padding' |
    head -c 52428800 >>content/models/m/model.yaml
