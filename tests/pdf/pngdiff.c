/* pngdiff: compares two PNGs pixel by pixel, for the golden page images.
 *
 *   pngdiff [-t tolerance] [-m max_fraction] a.png b.png
 *
 * A pixel differs when any channel differs by more than tolerance (0-255,
 * default 48: anti-aliasing noise passes, a moved line does not). Exits 0
 * when at most max_fraction of the pixels differ (default 0.002), 1 when
 * more do or the sizes differ, 2 on bad input. Prints the count. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static cairo_surface_t *
load(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "pngdiff: cannot read '%s': %s\n", path,
                cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    /* a known layout for the comparison, whatever the PNG's format */
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    cairo_surface_t *rgb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(rgb);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    cairo_surface_flush(rgb);
    return rgb;
}

int
main(int argc, char **argv)
{
    int tol = 48, opt;
    double max_fraction = 0.002;
    while ((opt = getopt(argc, argv, "t:m:")) != -1) {
        if (opt == 't')
            tol = atoi(optarg);
        else if (opt == 'm')
            max_fraction = atof(optarg);
        else
            return 2;
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: pngdiff [-t tol] [-m fraction] a.png b.png\n");
        return 2;
    }
    cairo_surface_t *a = load(argv[optind]), *b = load(argv[optind + 1]);
    if (!a || !b)
        return 2;
    int w = cairo_image_surface_get_width(a);
    int h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) ||
        h != cairo_image_surface_get_height(b)) {
        printf("size differs: %dx%d vs %dx%d\n", w, h,
               cairo_image_surface_get_width(b),
               cairo_image_surface_get_height(b));
        return 1;
    }
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a);
    int sb = cairo_image_surface_get_stride(b);
    long differ = 0;
    for (int y = 0; y < h; y++) {
        const unsigned char *ra = pa + (long)y * sa, *rb = pb + (long)y * sb;
        for (int x = 0; x < w; x++) {
            for (int c = 0; c < 3; c++) {
                if (abs(ra[4 * x + c] - rb[4 * x + c]) > tol) {
                    differ++;
                    break;
                }
            }
        }
    }
    double fraction = (double)differ / ((double)w * h);
    printf("%ld of %ld pixels differ (%.4f%%)\n", differ, (long)w * h,
           100 * fraction);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    return fraction <= max_fraction ? 0 : 1;
}
